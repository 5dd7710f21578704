using System.Text.Json;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Reports;
using Uncloak.Lab.Runs;
using Xunit;

namespace Uncloak.Integration.Tests.LabRuns;

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
        new DefenderStats(40, 12, ["198.18.0.2"], TimeSpan.FromSeconds(1.25)),
        new Dictionary<string, long> { ["TcpExt.TCPWinProbe"] = 7 },
        [1.0, 0.5, null], 1.5, 12);

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
        Assert.Equal(7, cell.GetProperty("counters").GetProperty("TcpExt.TCPWinProbe").GetInt64());
        Assert.Equal(JsonValueKind.Null, cell.GetProperty("availability_per_second")[2].ValueKind);
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
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(html, "<svg "));
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }
}
