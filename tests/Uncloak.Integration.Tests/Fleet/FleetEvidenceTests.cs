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

        // Each host also captured and localized the outage on its own (forensics on by default): its incident's verdict
        // reaches the stream beside the outage.
        WatchDeadline.Until(() =>
        {
            var r = lab.Cli("b", "fleet", "report", "--json", "--config", lab.ConfigOf("b"));
            if (r.ExitCode is not (0 or 1))
            {
                return false;
            }
            report = JsonDocument.Parse(r.Output).RootElement.Clone();
            return report.GetProperty("incidents").EnumerateArray().Select(i => i.GetProperty("host").GetString()).Distinct().Count() == 3;
        }, TimeSpan.FromSeconds(90), () => $"the three hosts' incidents in the report: {report}\nagent a: {lab.Agent("a").Log}");
        foreach (var i in report.GetProperty("incidents").EnumerateArray())
        {
            Assert.Equal("upstream-api", i.GetProperty("probe").GetString());
            Assert.False(string.IsNullOrEmpty(i.GetProperty("layer").GetString()));
            Assert.False(string.IsNullOrEmpty(i.GetProperty("id").GetString()));
        }

        // The text report says the same to an admin, and the exit status flags the shared outage.
        var text = lab.Cli("a", "fleet", "report", "--config", lab.ConfigOf("a"));
        Assert.Equal(1, text.ExitCode);
        Assert.Contains("3 hosts down at once (a, b, c; upstream-api): a shared upstream or a common attacker", text.Output, StringComparison.Ordinal);
    }

    [RootFact]
    public void Cross_probes_tell_the_path_between_two_hosts_from_a_fault_on_the_host_itself()
    {
        using var lab = new FleetLab();
        // b serves "site" (a real HTTP server in its namespace) and has nothing on the port of "api".
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = lab.Dir };
        foreach (var arg in new[] { "netns", "exec", lab.Ns("b"), "/usr/bin/python3", "-m", "http.server", "8080", "--bind", "0.0.0.0" })
        {
            psi.ArgumentList.Add(arg);
        }
        using var site = Process.Start(psi)!;
        try
        {
            lab.StartAgent("b", extra: """
                probes:
                  - { name: site, http: "http://127.0.0.1:8080/", interval: 2s, timeout: 1s, failures: 1 }
                  - { name: api, tcp: "127.0.0.1:8081", interval: 2s, timeout: 1s, failures: 1 }
                """);
            // a checks both from outside. The bus namespace does not forward between the agents' links, so a cannot
            // reach b at all: "site" fails only on the path, "api" fails on b itself too.
            var b = FleetLab.AddressOf("b");
            lab.StartAgent("a", extra: $$"""
                probes:
                  - { name: b-site, tcp: "{{b}}:8080", of: b/site, interval: 2s, timeout: 1s, failures: 1 }
                  - { name: b-api, tcp: "{{b}}:8081", of: b/api, interval: 2s, timeout: 1s, failures: 1 }
                """);

            JsonElement report = default;
            WatchDeadline.Until(() =>
            {
                var r = lab.Cli("a", "fleet", "report", "--json", "--config", lab.ConfigOf("a"));
                if (r.ExitCode is not (0 or 1))
                {
                    return false;
                }
                report = JsonDocument.Parse(r.Output).RootElement.Clone();
                var kinds = report.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("kind").GetString()).ToHashSet();
                return kinds.Contains("network-path") && kinds.Contains("local");
            }, TimeSpan.FromSeconds(60), () => $"the cross-probe findings; report: {report}\nagent a: {lab.Agent("a").Log}\nagent b: {lab.Agent("b").Log}");

            var findings = report.GetProperty("findings").EnumerateArray().ToList();
            var path = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "network-path");
            Assert.Equal(["a", "b"], path.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));
            Assert.Contains("b's site", path.GetProperty("text").GetString(), StringComparison.Ordinal);
            var local = Assert.Single(findings, f => f.GetProperty("kind").GetString() == "local");
            Assert.Equal(["b"], local.GetProperty("hosts").EnumerateArray().Select(h => h.GetString()!));
            Assert.Contains("b's api", local.GetProperty("text").GetString(), StringComparison.Ordinal);
            // b's site was up as b saw it: no outage of b's own "site" on the timeline; a's cross-probes are not a's outages.
            Assert.DoesNotContain(report.GetProperty("outages").EnumerateArray(), o => o.GetProperty("host").GetString() == "b" && o.GetProperty("probe").GetString() == "site");
            Assert.DoesNotContain(findings, f => f.GetProperty("kind").GetString() is "shared-outage" || (f.GetProperty("kind").GetString() == "lone-outage" && f.GetProperty("hosts")[0].GetString() == "a"));
        }
        finally
        {
            site.Kill(entireProcessTree: true);
            site.WaitForExit(10_000);
        }
    }
}
