using System.Text.Json;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Reports;
using Uncloak.Lab.Runs;
using Xunit;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>The lab's pure parts: probe summaries and the JSON and HTML views of a cell.</summary>
public sealed class LabReportTests
{
    private static ProbeSample Ok(double ms) => new(TimeSpan.Zero, true, TimeSpan.FromMilliseconds(ms), null);

    private static ProbeSample Failed() => new(TimeSpan.Zero, false, TimeSpan.FromSeconds(2), "timeout");

    [Fact]
    public void Availability_counts_failures_and_latency_percentiles_use_only_successful_requests()
    {
        var samples = Enumerable.Range(1, 20).Select(i => Ok(i)).Concat(Enumerable.Range(0, 5).Select(_ => Failed())).ToList();
        var s = ProbeSummary.Of(samples);
        Assert.Equal(25, s.Requests);
        Assert.Equal(20, s.Succeeded);
        Assert.Equal(0.8, s.Availability, 6);
        Assert.Equal(10, s.P50Millis);
        Assert.Equal(19, s.P95Millis);
        var none = ProbeSummary.Of([Failed()]);
        Assert.Equal(0, none.Availability);
        Assert.Null(none.P50Millis);
    }

    private static CellResult Cell() => new(
        AttackKind.ZeroWindow, DefenceKind.Uncloak, "kestrel (16 connections, backlog 128)",
        ProbeSummary.Of([Ok(1), Ok(2)]), ProbeSummary.Of([Ok(1), Failed()]), ProbeSummary.Of([Ok(3)]),
        new AttackStats(100, 50, 20, 10, 0, TimeSpan.FromSeconds(12), "time limit"),
        new UncloakStats(
            [
                new DaemonDecision(TimeSpan.FromSeconds(2.25), "zero-window-holders", "ban", "198.18.0.2", "banned for 1h in nftables (libnftables)"),
                new DaemonDecision(TimeSpan.FromSeconds(2.25), "zero-window-holders", "kill_sockets", "198.18.0.2", "killed 12 socket(s)"),
                new DaemonDecision(TimeSpan.FromSeconds(2.25), "zero-window-holders", "alert", "198.18.0.2", "sent"),
            ],
            new BanSighting(TimeSpan.FromSeconds(2.3), ["198.18.0.2"], 700), TimeSpan.FromSeconds(2.25), TimeSpan.FromSeconds(2.3)),
        new Dictionary<string, long> { ["TcpExt.TCPWinProbe"] = 7 },
        [1.0, 0.5, null], 1.5, 12, TimeSpan.FromSeconds(2.6));

    [Fact]
    public void The_json_view_names_attack_defence_and_what_uncloak_did()
    {
        using var buffer = new MemoryStream();
        LabJson.Write(buffer, [Cell()]);
        var cell = JsonDocument.Parse(buffer.ToArray()).RootElement.GetProperty("cells")[0];
        Assert.Equal("zero-window", cell.GetProperty("attack").GetString());
        Assert.Equal("uncloak", cell.GetProperty("defence").GetString());
        Assert.Equal(0.5, cell.GetProperty("during").GetProperty("availability").GetDouble());
        Assert.Equal(12, cell.GetProperty("uncloak").GetProperty("sockets_killed").GetInt32());
        Assert.Equal("198.18.0.2", cell.GetProperty("uncloak").GetProperty("banned")[0].GetString());
        Assert.Equal(700, cell.GetProperty("uncloak").GetProperty("ban_drops").GetInt64());
        Assert.Equal(2.25, cell.GetProperty("uncloak").GetProperty("detected_after_seconds").GetDouble());
        Assert.Equal(2.3, cell.GetProperty("uncloak").GetProperty("banned_after_seconds").GetDouble());
        Assert.Equal(2.6, cell.GetProperty("recovered_after_seconds").GetDouble());
        Assert.Equal(3, cell.GetProperty("uncloak").GetProperty("decisions").GetArrayLength());
        Assert.Equal(7, cell.GetProperty("counters").GetProperty("TcpExt.TCPWinProbe").GetInt64());
        Assert.Equal(JsonValueKind.Null, cell.GetProperty("availability_per_second")[2].ValueKind);
    }

    [Fact]
    public void Time_to_recover_is_the_first_success_from_which_the_rest_of_the_attack_stays_steady()
    {
        static ProbeSample At(double s, bool ok) => new(TimeSpan.FromSeconds(s), ok, TimeSpan.FromMilliseconds(5), ok ? null : "timeout");
        var attack = TimeSpan.FromSeconds(2);
        var end = TimeSpan.FromSeconds(12);
        // Up before the attack, down for its first 3 s, then up with one late failure (1 in 60 keeps it steady).
        var samples = Enumerable.Range(0, 120).Select(i => i / 10.0)
            .Select(s => At(s, s < 2 || s >= 5 ? s != 9 : false)).ToList();
        Assert.Equal(3, ProbeRecovery.After(samples, attack, end)!.Value.TotalSeconds, 3);
        // An attack that never hurt recovers at once; one that never lets go never recovers.
        Assert.Equal(TimeSpan.Zero, ProbeRecovery.After([.. samples.Select(s => s with { Ok = true })], attack, end));
        Assert.Null(ProbeRecovery.After([.. samples.Select(s => s with { Ok = s.At < attack })], attack, end));
        Assert.Null(ProbeRecovery.After([], attack, end));
    }

    [Fact]
    public void The_daemons_kill_decisions_count_the_sockets_they_destroyed()
    {
        (string Scenario, string Action, string Outcome)[] recorded =
        [
            ("zero-window-holders", "kill_sockets", "killed 12 socket(s), 2 already closed"),
            ("zero-window-holders", "kill_sockets", "killed 3, 1 failed (errno 2)"),
            ("shrunk-window-peers", "kill_sockets", "refused: 198.18.0.1 is protected (this host)"),
            ("shrunk-window-peers", "ban", "banned for 1h in nftables (libnftables)"),
        ];
        var stats = UncloakStats.From(
            recorded.Select(a => new Uncloak.Store.Watch.ActionRecord(new DateTime(2026, 1, 1, 0, 0, 5, DateTimeKind.Utc), a.Scenario, "ban-and-kill", a.Action, "198.18.0.2",
                TimeSpan.FromHours(1), false, a.Outcome, "")).ToList(),
            new DateTime(2026, 1, 1, 0, 0, 2, DateTimeKind.Utc), new BanSighting(null, [], 0));
        Assert.Equal(15, stats.SocketsKilled);
        Assert.Equal(TimeSpan.FromSeconds(3), stats.DetectedAfter);
        Assert.Null(stats.BannedAfter);
    }

    [Fact]
    public void The_html_view_is_one_page_with_the_table_and_a_chart_per_cell()
    {
        using var w = new StringWriter();
        LabHtml.Write(w, [Cell()], "lab <test>");
        string html = w.ToString();
        Assert.StartsWith("<!doctype html>", html, StringComparison.Ordinal);
        Assert.Contains("<title>lab &lt;test&gt;</title>", html, StringComparison.Ordinal);
        Assert.Contains("<td>zero-window</td><td>uncloak</td>", html, StringComparison.Ordinal);
        Assert.Contains("100.0 %", html, StringComparison.Ordinal);
        Assert.Contains("<td>2.3 / 2.3 / 2.6 s</td>", html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<svg "));
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }
}
