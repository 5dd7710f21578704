using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>
/// Issue 18 item 6: the replay keeps runs of repetitive rare lines instead of every line, and the report is the same as
/// with every line kept, however the lines were split between readers.
/// </summary>
public sealed class RareRunsTests
{
    private static readonly DateTime LogEnd = new(2009, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static List<NetEvent> Events()
        => [.. File.ReadLines(Path.Combine(AppContext.BaseDirectory, "fixtures", "disruptions", "rare-bursts.log"))
            .Where(l => !l.StartsWith('#'))
            .Select(l => LineDecoder.Decode(l, LogEnd).Event ?? throw new InvalidOperationException("not decoded: " + l))];

    [Fact]
    public void Bursts_of_repetitive_rare_lines_are_kept_as_runs()
    {
        var runs = new RareRuns();
        foreach (var ev in Events())
        {
            runs.Add(ev, 1);
        }
        // conntrack: 16 lines, one line 3 min later, 10 lines; SYN flood: 30 with cookies, 12 + 5 drops after a 4 min
        // pause; 20 orphans; 20 out of memory.
        Assert.Equal(8, runs.Runs.Count);
        Assert.Equal(114, runs.Runs.Sum(r => r.Count));
    }

    [Fact]
    public void Disruptions_and_listeners_from_runs_equal_those_from_every_line_whichever_way_the_lines_were_split()
    {
        var events = Events();
        var everyLine = DisruptionTimeline.From(events, events[^1].Time);

        var whole = new AnalysisBuilder();
        foreach (var ev in events)
        {
            whole.Add(ev, 1);
        }
        var first = new AnalysisBuilder();
        var second = new AnalysisBuilder();
        for (int i = 0; i < events.Count; i++)
        {
            (i % 3 == 0 ? first : second).Add(events[i], 1);
        }
        first.Merge(second);

        foreach (var report in new[] { whole.Build(), first.Build() })
        {
            Assert.Equal(everyLine, report.Disruptions);
            Assert.Equal(114 - 30, report.Disruptions.Sum(d => d.Signals)); // SYN-flood lines with cookies on disrupt nothing
            Assert.Equal((30, 0), report.SynFloodListeners["198.18.0.10:443"]);
            Assert.Equal((0, 17), report.SynFloodListeners["198.18.0.10:80"]);
        }
        // The 3-minute-late conntrack line is its own run but within the merge gap of the burst's window.
        Assert.Equal(4, everyLine.Count);
    }

    [Fact]
    public void Lines_read_out_of_time_order_are_replayed_in_time_order()
    {
        // The replay skips its sort when a reader's entries already come in time order (a log's do); concatenated or
        // pasted logs do not, and must give what the lines in order give.
        var events = Events();
        var everyLine = DisruptionTimeline.From(events, events[^1].Time);
        var backwards = new AnalysisBuilder();
        for (int i = events.Count - 1; i >= 0; i--)
        {
            backwards.Add(events[i], 1);
        }
        var report = backwards.Build();
        Assert.Equal(everyLine, report.Disruptions);
        Assert.Equal((30, 0), report.SynFloodListeners["198.18.0.10:443"]);
        Assert.Equal((0, 17), report.SynFloodListeners["198.18.0.10:80"]);
    }

    [Fact]
    public void Runs_of_interleaved_keys_are_each_extended_and_counted()
    {
        // Conntrack, orphan and SYN-flood lines on several listeners interleaved line by line, as on a host under load:
        // each key's lines are one run however the keys share the lookup slots, across a fold as well.
        var start = new DateTime(2009, 6, 17, 4, 0, 0, DateTimeKind.Utc);
        string[] texts =
        [
            "nf_conntrack: nf_conntrack: table full, dropping packet",
            "TCP: too many orphaned sockets",
            "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:80. Dropping request.  Check SNMP counters.",
            "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.11:80. Dropping request.  Check SNMP counters.",
            "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:443. Sending cookies.  Check SNMP counters.",
            "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:8080. Sending cookies.  Check SNMP counters.",
        ];
        var runs = new RareRuns(limit: 1_000);
        for (int n = 0; n < 600; n++)
        {
            runs.Add(Line(start.AddSeconds(n), texts[n % texts.Length]), 1);
        }
        Assert.Equal(texts.Length, runs.Runs.Count);
        Assert.All(runs.Runs, r => Assert.Equal(600 / texts.Length, r.Count));

        // Past a fold the keys open new runs, which later lines extend again.
        runs.Fold();
        for (int n = 600; n < 1200; n++)
        {
            runs.Add(Line(start.AddSeconds(n), texts[n % texts.Length]), 1);
        }
        Assert.Equal(texts.Length, runs.Runs.Count);
        Assert.All(runs.Runs, r => Assert.Equal(600 / texts.Length, r.Count));
    }

    private static NetEvent Line(DateTime time, string text)
    {
        var line = time.ToString("MMM dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) + " web1 kernel: " + text;
        return LineDecoder.Decode(line, LogEnd).Event ?? throw new InvalidOperationException("not decoded: " + line);
    }
}
