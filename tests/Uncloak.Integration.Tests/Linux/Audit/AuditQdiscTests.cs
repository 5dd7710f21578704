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
        var veth = QdiscVeth.Create(ns, "uc-tbf", "198.18.43", "02:00:5e:00:43:09");
        // A bucket of 1000 bytes cannot hold a 1442-byte frame: the kernel drops every full-sized packet.
        NetworkNamespace.Run("tc", "-n", ns.Name, "qdisc", "add", "dev", veth.Device, "root", "tbf", "rate", "1mbit", "burst", "1000", "limit", "1500");
        veth.Send(20, 1400);

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
