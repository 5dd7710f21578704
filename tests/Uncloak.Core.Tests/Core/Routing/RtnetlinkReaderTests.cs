using Uncloak.Core.Events;
using Uncloak.Core.Routing;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Routing;

/// <summary>The rtnetlink decoder against route and neighbour dumps captured from a 6.18 kernel (see fixtures/rtnetlink/README.md).</summary>
public sealed class RtnetlinkReaderTests
{
    internal static List<byte[]> Datagrams(string name) => [.. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "rtnetlink", name))
        .Where(l => l.Length > 0).Select(Convert.FromHexString)];

    [Fact]
    public void A_route_dump_finds_both_default_gateways_and_the_connected_routes()
    {
        var reader = new RtnetlinkReader();
        var routes = new List<RouteEntry>();
        var statuses = Datagrams("routes.hex").Select(d => reader.ReadRoutes(d, routes, 1)).ToList();

        Assert.Equal(2, statuses.Count(s => s == SockDiagStatus.Done)); // one dump per family
        Assert.Equal(0, reader.Malformed);
        var gateways = routes.Where(r => r.IsDefaultGateway).ToList();
        Assert.Equal([NetAddress.Parse("198.18.200.1"), NetAddress.Parse("2001:2:0:c8::1")], gateways.Select(g => g.Gateway));
        Assert.All(gateways, g => Assert.True(g.OutputInterface > 0));
        Assert.Equal(1024u, gateways[1].Priority); // ip -6 route: "metric 1024"
        var connected = routes.Single(r => r.Destination == NetAddress.Parse("198.18.200.0"));
        Assert.Equal(24, connected.PrefixLength);
        Assert.True(connected.Gateway.IsNone);
        Assert.False(connected.IsDefaultGateway);
        // The local table's routes (the host's own addresses) are dumped too, but are no gateway.
        Assert.Contains(routes, r => r.Table == 255 && r.Destination == NetAddress.Parse("198.18.200.2"));
    }

    [Fact]
    public void A_neighbour_dump_gives_each_entry_its_state_as_ip_neigh_names_it()
    {
        var reader = new RtnetlinkReader();
        var neighbours = new List<NeighbourRecord>();
        foreach (var d in Datagrams("neighbours.hex"))
        {
            reader.ReadNeighbours(d, neighbours, 1);
        }

        Assert.Equal(0, reader.Malformed);
        var gateway = neighbours.Single(n => n.Address == NetAddress.Parse("198.18.200.1"));
        Assert.Equal("REACHABLE", gateway.StateName);
        Assert.False(gateway.Unresolved);
        var missing = neighbours.Single(n => n.Address == NetAddress.Parse("198.18.200.9"));
        Assert.Equal("FAILED", missing.StateName);
        Assert.True(missing.Unresolved);
        Assert.Equal(gateway.Interface, missing.Interface);
        Assert.Contains(neighbours, n => n.Address == NetAddress.Parse("2001:2:0:c8::1") && n.StateName == "REACHABLE");
    }

    [Fact]
    public void Messages_of_another_request_are_skipped()
    {
        var reader = new RtnetlinkReader();
        var routes = new List<RouteEntry>();
        var statuses = Datagrams("routes.hex").Select(d => reader.ReadRoutes(d, routes, 2)).ToList();

        Assert.Empty(routes);
        Assert.All(statuses, s => Assert.Equal(SockDiagStatus.More, s));
    }

    [Fact]
    public void A_truncated_datagram_is_counted_not_thrown()
    {
        var reader = new RtnetlinkReader();
        var routes = new List<RouteEntry>();
        var first = Datagrams("routes.hex")[0];
        reader.ReadRoutes(first.AsSpan(0, 40), routes, 1);
        Assert.Equal(1, reader.Malformed);

        // A message whose attribute claims more bytes than the message holds.
        var bad = (byte[])first.Clone();
        bad[16 + 12] = 0xFF;
        var broken = new RtnetlinkReader();
        broken.ReadRoutes(bad, routes, 1);
        Assert.True(broken.Malformed >= 1);
    }

    [Fact]
    public void The_dump_request_is_an_nlmsghdr_with_the_family_in_the_first_byte_of_the_rtmsg()
    {
        var buf = new byte[Rtnetlink.RequestSize];
        Assert.Equal(28, Rtnetlink.WriteDumpRequest(buf, Rtnetlink.RTM_GETNEIGH, 10, 5));
        Assert.Equal(28u, BitConverter.ToUInt32(buf, 0));
        Assert.Equal(Rtnetlink.RTM_GETNEIGH, BitConverter.ToUInt16(buf, 4));
        Assert.Equal(0x301, BitConverter.ToUInt16(buf, 6)); // NLM_F_REQUEST | NLM_F_DUMP
        Assert.Equal(5u, BitConverter.ToUInt32(buf, 8));
        Assert.Equal(10, buf[16]);
    }

    [Theory]
    [InlineData(0x01, "INCOMPLETE", true)]
    [InlineData(0x02, "REACHABLE", false)]
    [InlineData(0x04, "STALE", false)]
    [InlineData(0x08, "DELAY", false)]
    [InlineData(0x10, "PROBE", false)]
    [InlineData(0x20, "FAILED", true)]
    [InlineData(0x40, "NOARP", false)]
    [InlineData(0x80, "PERMANENT", false)]
    [InlineData(0x00, "NONE", false)]
    public void Nud_states_are_named_as_ip_neigh_names_them(ushort state, string name, bool unresolved)
    {
        var n = new NeighbourRecord(NetAddress.Parse("198.18.0.1"), 2, state);
        Assert.Equal(name, n.StateName);
        Assert.Equal(unresolved, n.Unresolved);
    }
}
