using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 13 item 4: three real agents publish their outages to the evidence stream of a real 3-node JetStream cluster,
/// and <c>uncloak fleet report</c>, run on one of them, puts them on one timeline and calls a failure the three saw at
/// once a shared one (<see cref="FleetLab"/>).
/// </summary>
public sealed class FleetEvidenceTests(ITestOutputHelper output)
{
    [RootFact]
    public void An_outage_seen_by_the_three_hosts_at_once_is_reported_as_shared_across_the_fleet()
    {
        using var lab = new FleetLab();
        foreach (var h in FleetLab.Hosts)
        {
            // Each host probes a service on its gateway where nothing listens (connection refused): the same dead
            // upstream service seen from three servers.
            lab.StartAgent(h, extra: $$"""
                probes:
                  - name: upstream-api
                    tcp: "{{FleetLab.GatewayOf(h)}}:9"
                    interval: 2s
                    timeout: 1s
                    failures: 1
                """);
        }

        var clock = Stopwatch.StartNew();
        JsonElement report = default;
        WatchDeadline.Until(() =>
        {
            var r = lab.Cli("c", "fleet", "report", "--json", "--config", lab.ConfigOf("c"));
            if (r.ExitCode is not (0 or 1))
            {
                return false;
            }
            report = JsonDocument.Parse(r.Output).RootElement.Clone();
            return report.GetProperty("outages").EnumerateArray().Select(o => o.GetProperty("host").GetString()).Distinct().Count() == 3;
        }, TimeSpan.FromSeconds(60), () => $"the report to hold the three hosts' outages\nagent a: {lab.Agent("a").Log}\nnats: {lab.NatsLogs()}");
        output.WriteLine($"three hosts' outages in c's fleet report after {clock.ElapsedMilliseconds} ms");

        Assert.Equal("uncloak.fleet.report/1", report.GetProperty("schema").GetString());
        Assert.Equal(0, report.GetProperty("skipped").GetInt32());
        foreach (var o in report.GetProperty("outages").EnumerateArray())
        {
            Assert.Equal("upstream-api", o.GetProperty("probe").GetString());
            Assert.Equal(JsonValueKind.Null, o.GetProperty("end").ValueKind);
        }
        var shared = Assert.Single(report.GetProperty("findings").EnumerateArray());
        Assert.Equal("shared-outage", shared.GetProperty("kind").GetString());
        Assert.Equal(["a", "b", "c"], shared.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));

        // The text report says the same to an admin, and the exit status flags the shared outage.
        var text = lab.Cli("a", "fleet", "report", "--config", lab.ConfigOf("a"));
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("3 hosts down at once (a, b, c; upstream-api): a shared upstream or a common attacker", text.Output, StringComparison.Ordinal);
    }
}
