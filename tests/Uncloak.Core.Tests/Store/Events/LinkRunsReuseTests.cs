using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6: NIC link lines of one source, interface and period are one row whose encoded lines give every line
/// back, in order — with interfaces interleaved (names that are equal but not the same string among them), and with
/// runs reused after a drain.
/// </summary>
public sealed class LinkRunsReuseTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    // Twelve interfaces: more than the recent-run slots, and eth1/eth11 share a last character.
    private static readonly string[] Interfaces = [.. Enumerable.Range(0, 12).Select(i => $"eth{i}")];

    private static NetEvent Line(long offset, DateTime time, int nic, bool up) => new()
    {
        Kind = EventKind.NicLink,
        Form = (byte)(up ? 1 : 0),
        Time = time,
        UptimeMicros = 5_000_000 + offset,
        // A new string for every line: a run must find its lines by the name, not by the string instance.
        Interface = new string(Interfaces[nic].AsSpan()),
        Driver = "e1000e",
        SpeedMbps = up ? 1000 : 0,
        Duplex = up ? Duplex.Full : Duplex.Unknown,
        FlowControl = up ? FlowControl.Rx : FlowControl.Unknown,
        Position = new SourcePosition(1, offset),
    };

    private static List<NetEvent> Lines(int seed, long firstOffset)
    {
        var rnd = new Random(seed);
        var lines = new List<NetEvent>();
        for (int i = 0; i < 2000; i++)
        {
            lines.Add(Line(firstOffset + i * 80, T0.AddMilliseconds(i * 90), rnd.Next(Interfaces.Length), rnd.Next(2) == 0));
        }
        return lines;
    }

    private static ReadOnlySpan<byte> Message(in NetEvent ev) => ev.Form == 1
        ? "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx"u8
        : "e1000e 0000:00:19.0 eth0: NIC Link is Down"u8;

    /// <summary>Every line of every row, as the store reads them back.</summary>
    private static List<NetEvent> ReadBack(IEnumerable<StoredEvent> rows)
        => [.. rows.SelectMany(r => (IEnumerable<NetEvent>)[r.Event, .. LinkLines.Read(r.Lines.Span, r.Event, EventRuns.Clock(r.Event))])];

    private static (long, string?, byte, int, Duplex, FlowControl, DateTime, long) Fields(NetEvent ev)
        => (ev.Position.Offset, ev.Interface, ev.Form, ev.SpeedMbps, ev.Duplex, ev.FlowControl, ev.Time, ev.UptimeMicros);

    private static void AssertLines(List<NetEvent> lines, List<StoredEvent> rows)
    {
        Assert.Equal(lines.Select(Fields), ReadBack(rows).OrderBy(e => e.Position.Offset).Select(Fields));
        // A row holds the lines of one interface and period, at most LinkRuns.RowBytes of them: at least a row per
        // interface and period, and a new one only when the last is full.
        static (string?, long) Period(NetEvent e) => (e.Interface, e.Time.Ticks / (TimeSpan.TicksPerMinute * LinkRuns.PeriodMinutes));
        Assert.All(rows, r => Assert.Single(ReadBack([r]).Select(Period).Distinct()));
        Assert.All(rows, r => Assert.True(r.Lines.Length <= LinkRuns.RowBytes, $"{r.Lines.Length} bytes of lines"));
        foreach (var group in rows.GroupBy(r => Period(r.Event)))
        {
            Assert.True(group.SkipLast(1).All(r => r.Lines.Length > LinkRuns.RowBytes - LinkLines.MaxLine), "a row closed before it was full");
        }
        Assert.Equal(lines.Count, rows.Sum(r => r.Weight));
    }

    [Fact]
    public void Interleaved_interfaces_are_one_row_a_period_each_and_every_line_comes_back()
    {
        var lines = Lines(5, 100);
        var runs = new LinkRuns();
        foreach (var ev in lines)
        {
            Assert.True(runs.Add(ev, Message(ev)));
        }
        AssertLines(lines, [.. runs.Drain()]);
        Assert.Equal(0, runs.Count);
    }

    [Fact]
    public void Runs_reused_after_a_drain_hold_only_their_own_lines_and_earlier_rows_keep_theirs()
    {
        var runs = new LinkRuns();
        var before = Lines(5, 100);
        foreach (var ev in before)
        {
            runs.Add(ev, Message(ev));
        }
        var first = runs.Drain().ToList();
        var after = Lines(9, 1_000_000);
        foreach (var ev in after)
        {
            runs.Add(ev, Message(ev));
        }
        AssertLines(after, [.. runs.Drain()]);
        AssertLines(before, first);
    }

    [Fact]
    public void Drains_into_one_list_through_one_arena_give_every_line_back_each_time()
    {
        var arena = new RowArena();
        var into = new List<StoredEvent>();
        var runs = new LinkRuns();
        foreach (var (seed, offset) in new[] { (5, 100L), (9, 1_000_000L) })
        {
            var lines = Lines(seed, offset);
            foreach (var ev in lines)
            {
                Assert.True(runs.Add(ev, Message(ev)));
            }
            runs.Drain(into, arena);
            AssertLines(lines, into);
            into.Clear();
            arena.Reset();
        }
    }

    [Fact]
    public void A_line_before_the_runs_last_is_refused_and_the_run_goes_on()
    {
        var runs = new LinkRuns();
        Assert.True(runs.Add(Line(1000, T0, 0, up: false), "e1000e: eth0 NIC Link is Down"u8));
        Assert.True(runs.Add(Line(2000, T0.AddSeconds(1), 0, up: true), "e1000e: eth0 NIC Link is Up"u8));
        Assert.False(runs.Add(Line(1500, T0.AddSeconds(2), 0, up: false), "e1000e: eth0 NIC Link is Down"u8));
        Assert.True(runs.Add(Line(3000, T0.AddSeconds(3), 0, up: false), "e1000e: eth0 NIC Link is Down"u8));
        var row = Assert.Single(runs.Drain());
        Assert.Equal(3, row.Weight);
        Assert.Equal("e1000e: eth0 NIC Link is Down", row.Text);
        Assert.Equal([1000L, 2000, 3000], ReadBack([row]).Select(e => e.Position.Offset));
    }
}
