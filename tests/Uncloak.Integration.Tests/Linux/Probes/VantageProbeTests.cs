using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics;
using Uncloak.Linux.Probes;
using Uncloak.Linux.Routing;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Probes;

/// <summary>
/// The vantage probes against a real kernel (issue 12, item 1): a host namespace whose default gateway is a router
/// namespace, with an upstream namespace beyond the router. host 198.18.204.2/24 — router 198.18.204.1 | 198.18.205.1/24
/// — upstream 198.18.205.2. Faults are made in the router's namespace only; all three are deleted when the test ends.
/// </summary>
public sealed class VantageProbeTests : IDisposable
{
    private static readonly NetAddress Gateway = NetAddress.Parse("198.18.204.1");
    private static readonly VantageTarget UpstreamIcmp = new(NetAddress.Parse("198.18.205.2"), 0);
    private static readonly VantageTarget UpstreamClosedPort = new(NetAddress.Parse("198.18.205.2"), 9);

    private readonly NetworkNamespace _host;
    private readonly NetworkNamespace _router;
    private readonly NetworkNamespace _upstream;

    public VantageProbeTests()
    {
        _host = NetworkNamespace.Create();
        _router = NetworkNamespace.Create();
        _upstream = NetworkNamespace.Create();
        try
        {
            Link(_host, "vh0", "198.18.204.2/24", _router, "vr0", "198.18.204.1/24");
            Link(_router, "vr1", "198.18.205.1/24", _upstream, "vu0", "198.18.205.2/24");
            NetworkNamespace.Run("ip", "-n", _host.Name, "route", "add", "default", "via", "198.18.204.1");
            NetworkNamespace.Run("ip", "-n", _upstream.Name, "route", "add", "default", "via", "198.18.205.1");
            if (_router.Exec("sysctl", "-qw", "net.ipv4.ip_forward=1").Exit != 0)
            {
                throw new InvalidOperationException("cannot enable forwarding in the router namespace");
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    private static void Link(NetworkNamespace a, string aDev, string aAddr, NetworkNamespace b, string bDev, string bAddr)
    {
        NetworkNamespace.Run("ip", "link", "add", aDev, "netns", a.Name, "type", "veth", "peer", "name", bDev, "netns", b.Name);
        NetworkNamespace.Run("ip", "-n", a.Name, "addr", "add", aAddr, "dev", aDev);
        NetworkNamespace.Run("ip", "-n", b.Name, "addr", "add", bAddr, "dev", bDev);
        NetworkNamespace.Run("ip", "-n", a.Name, "link", "set", aDev, "up");
        NetworkNamespace.Run("ip", "-n", b.Name, "link", "set", bDev, "up");
        NetworkNamespace.Run("ip", "-n", a.Name, "link", "set", "lo", "up");
        NetworkNamespace.Run("ip", "-n", b.Name, "link", "set", "lo", "up");
    }

    /// <summary>One round from inside the host namespace (the sockets are opened on the namespace's thread).</summary>
    private Dictionary<string, VantageProbe> Round(VantageTarget? self, params VantageTarget[] upstream)
    {
        var prober = new VantageProber(self, gateway: true, upstream, TimeSpan.FromSeconds(1.5));
        var task = _host.OnThreadInside(() => prober.RunAsync(CancellationToken.None));
        Assert.True(task.Wait(TimeSpan.FromSeconds(20)), "a vantage round is bounded by its timeout");
        return task.Result.ToDictionary(p => $"{p.Vantage.ToString().ToLowerInvariant()} {p.Target}");
    }

    [RootFact]
    public void The_route_table_names_the_router_as_the_default_gateway_and_its_neighbour_entry_resolves()
    {
        var (routes, neighbours) = _host.OnThreadInside(() =>
        {
            using var client = RouteClient.Open();
            var r = client.Routes();
            // Traffic to the gateway makes the kernel resolve it.
            using (var udp = new UdpClient(AddressFamily.InterNetwork))
            {
                udp.Send([1], new IPEndPoint(IPAddress.Parse("198.18.204.1"), 9));
            }
            var n = WaitForNeighbour(client);
            return (r, n);
        });
        Assert.Equal([Gateway], routes.Where(r => r.IsDefaultGateway).Select(r => r.Gateway));
        Assert.Equal("REACHABLE", neighbours.Single(n => n.Address == Gateway).StateName);
    }

    private static List<Uncloak.Core.Routing.NeighbourRecord> WaitForNeighbour(RouteClient client)
    {
        List<Uncloak.Core.Routing.NeighbourRecord> neighbours = [];
        WatchDeadline.Until(() => (neighbours = client.Neighbours()).Any(x => x.Address == Gateway && x.StateName == "REACHABLE"),
            TimeSpan.FromSeconds(5), () => $"the gateway's neighbour entry to resolve ({string.Join(", ", neighbours.Select(n => $"{n.Address} {n.StateName}"))})");
        return neighbours;
    }

    [RootFact]
    public void With_everything_up_the_gateway_upstream_and_self_probes_pass_and_a_closed_port_is_refused()
    {
        using var listener = _host.OnThreadInside(() =>
        {
            var l = new TcpListener(IPAddress.Parse("198.18.204.2"), 0);
            l.Start();
            return l;
        });
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var self = new VantageTarget(NetAddress.Parse("198.18.204.2"), port);

        var round = Round(self, UpstreamIcmp, UpstreamClosedPort);

        Assert.True(round["gateway 198.18.204.1"].Ok, round["gateway 198.18.204.1"].Failure);
        Assert.True(round["upstream 198.18.205.2"].Ok, round["upstream 198.18.205.2"].Failure);
        Assert.True(round[$"self 198.18.204.2:{port}"].Ok);
        Assert.Equal(VantageFailure.Refused, round["upstream 198.18.205.2:9"].Failure);
        Assert.All(round.Values.Where(p => p.Ok), p => Assert.InRange(p.Latency, TimeSpan.Zero, TimeSpan.FromSeconds(1.5)));
    }

    [RootFact]
    public void When_the_router_drops_forwarded_traffic_the_gateway_answers_and_upstream_times_out()
    {
        Assert.Equal(0, _router.Exec("nft", "add table inet flabvantage { chain blackhole { type filter hook forward priority 0; policy drop; }; }").Exit);

        var round = Round(null, UpstreamIcmp);

        Assert.True(round["gateway 198.18.204.1"].Ok, round["gateway 198.18.204.1"].Failure);
        Assert.Equal(VantageFailure.Timeout, round["upstream 198.18.205.2"].Failure);
    }

    [RootFact]
    public void When_the_router_is_gone_from_the_lan_the_gateway_probe_reports_the_neighbour_entry()
    {
        // The router's address goes, its link stays: the host's link keeps its carrier (as behind a switch), but nobody
        // answers ARP for the gateway any more.
        NetworkNamespace.Run("ip", "-n", _router.Name, "addr", "flush", "dev", "vr0");

        var round = Round(null, UpstreamIcmp);

        var gateway = round["gateway 198.18.204.1"];
        Assert.False(gateway.Ok);
        // ARP is asked during the echo's wait and not answered: INCOMPLETE while asking, FAILED once given up.
        Assert.Contains(gateway.Failure, new[] { VantageFailure.NeighbourIncomplete, VantageFailure.NeighbourFailed });
        Assert.False(round["upstream 198.18.205.2"].Ok);
    }

    [RootFact]
    public void Without_a_default_route_the_gateway_probe_says_so()
    {
        NetworkNamespace.Run("ip", "-n", _host.Name, "route", "del", "default");

        var round = Round(null);

        Assert.Equal(VantageFailure.NoGateway, Assert.Single(round.Values).Failure);
    }

    public void Dispose()
    {
        _host.Dispose();
        _router.Dispose();
        _upstream.Dispose();
    }
}
