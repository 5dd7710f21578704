using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Audit;

/// <summary>
/// Issue 12, item 6: the live audit reads the qdiscs of the namespace it runs in (tc -s qdisc show) and flags a tbf too
/// small for one frame, and the drops it causes. The namespace, its veth pair, its tbf and its traffic are the test's own.
/// </summary>
public sealed class AuditQdiscTests
{
    [RootFact]
    public void Live_audit_flags_a_tiny_tbf_on_a_veth_and_the_drops_it_causes()
    {
        using var ns = NetworkNamespace.Create();
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "add", "uc-tbf0", "type", "veth", "peer", "name", "uc-tbf1");
        NetworkNamespace.Run("ip", "-n", ns.Name, "addr", "add", "198.18.43.1/24", "dev", "uc-tbf0");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-tbf0", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-tbf1", "up");
        // A bucket of 1000 bytes cannot hold a 1442-byte frame: the kernel drops every full-sized packet.
        NetworkNamespace.Run("tc", "-n", ns.Name, "qdisc", "add", "dev", "uc-tbf0", "root", "tbf", "rate", "1mbit", "burst", "1000", "limit", "1500");
        // A fixed neighbour, so the datagrams reach the qdisc instead of waiting for ARP.
        NetworkNamespace.Run("ip", "-n", ns.Name, "neigh", "add", "198.18.43.9", "lladdr", "02:00:5e:00:43:09", "dev", "uc-tbf0", "nud", "permanent");
        ns.OnThreadInside(() =>
        {
            using var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            var payload = new byte[1400];
            for (int i = 0; i < 20; i++)
            {
                udp.SendTo(payload, new IPEndPoint(IPAddress.Parse("198.18.43.9"), 9));
            }
            return 0;
        });

        var (exit, output, err) = ns.Exec(UncloakProcess.Command("audit", "--json", "--only", "shaper.limits", "shaper.drops"));
        Assert.True(exit == 1, $"exit {exit}: {err}\n{output}");
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();

        var limits = Assert.Single(results, r => r.GetProperty("id").GetString() == "shaper.limits");
        Assert.Equal("fail", limits.GetProperty("status").GetString());
        Assert.StartsWith("uc-tbf0 tbf ", limits.GetProperty("subject").GetString(), StringComparison.Ordinal);
        Assert.Contains("smaller than one full frame", limits.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("rate 1Mbit burst 1000b", limits.GetProperty("observed").GetString(), StringComparison.Ordinal);

        var drops = Assert.Single(results, r => r.GetProperty("id").GetString() == "shaper.drops" && r.GetProperty("subject").GetString()!.StartsWith("uc-tbf0 tbf ", StringComparison.Ordinal));
        Assert.Equal("fail", drops.GetProperty("status").GetString());
        Assert.Matches(@"dropped ([1-9]\d*)", drops.GetProperty("observed").GetString()!);
        // The host's own qdiscs are not visible in here.
        Assert.All(results, r => Assert.DoesNotMatch(@"^(eth|en|wl)", r.GetProperty("subject").GetString() ?? ""));
    }
}
