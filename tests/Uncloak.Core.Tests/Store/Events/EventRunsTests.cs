using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6: the repetitive rare kinds collapse into one row per source, kind, form, listener, clock and minute,
/// whichever way the lines interleave — more open runs than the reader's recent-run slots, runs reused after a drain,
/// texts shared between runs that say the same.
/// </summary>
public sealed class EventRunsTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    private static NetEvent Line(long offset, DateTime time, EventKind kind, int listener) => new()
    {
        Kind = kind,
        Time = time,
        UptimeMicros = 1_000_000 + offset,
        Local = kind == EventKind.SynFlood ? NetAddress.Parse($"198.18.{listener / 200}.{listener % 200 + 1}") : NetAddress.None,
        LocalPort = kind == EventKind.SynFlood ? (ushort)(8000 + listener) : (ushort)0,
        Protocol = 6,
        Position = new SourcePosition(1 + listener % 2, offset),
    };

    private static byte[] Message(NetEvent ev) => ev.Kind == EventKind.SynFlood
        ? System.Text.Encoding.UTF8.GetBytes($"TCP: request_sock_TCP: Possible SYN flooding on port {ev.LocalPort}. Sending cookies.")
        : "nf_conntrack: nf_conntrack: table full, dropping packet"u8.ToArray();

    /// <summary>Lines of conntrack and of 100 listeners (more than the recent-run slots), shuffled within each of three minutes.</summary>
    private static List<NetEvent> Lines(int seed, long firstOffset)
    {
        var rnd = new Random(seed);
        var lines = new List<NetEvent>();
        for (int i = 0; i < 3000; i++)
        {
            bool conntrack = rnd.Next(3) == 0;
            lines.Add(Line(firstOffset + i * 100, T0.AddMilliseconds(i * 60), conntrack ? EventKind.ConntrackFull : EventKind.SynFlood, rnd.Next(100)));
        }
        return lines;
    }

    private static (int, EventKind, NetAddress, ushort, long) Key(NetEvent ev)
        => (ev.Position.SourceId, ev.Kind, ev.Local, ev.LocalPort, ev.Time.Ticks / TimeSpan.TicksPerMinute);

    /// <summary>Each run's lines as the store gives them back: the SYN-flood rows of one minute unpacked (<see cref="ListenerRuns"/>).</summary>
    private static List<StoredEvent> Unpacked(IEnumerable<StoredEvent> rows)
        => [.. rows.SelectMany(r => r.Lines.IsEmpty ? [r] : ListenerRuns.Read(r.Event, r.Text, r.Weight, r.LastClock!.Value, r.Lines.ToArray()))];

    private static void AssertRuns(List<NetEvent> lines, List<StoredEvent> rows)
    {
        var expected = lines.GroupBy(Key).ToDictionary(g => g.Key, g => (Count: (long)g.Count(), First: g.MinBy(e => e.Position.Offset).Position.Offset));
        var stored = Unpacked(rows).GroupBy(r => Key(r.Event)).ToDictionary(g => g.Key, g => (Count: g.Sum(r => r.Weight), First: g.Min(r => r.Event.Position.Offset)));
        Assert.Equal(expected.Count, stored.Count);
        foreach (var (key, want) in expected)
        {
            Assert.Equal(want, stored[key]);
        }
        foreach (var row in rows)
        {
            Assert.Equal(System.Text.Encoding.UTF8.GetString(Message(row.Event)), row.Text);
        }
    }

    [Fact]
    public void Interleaved_runs_beyond_the_recent_slots_are_each_counted_once_per_minute_from_their_first_line()
    {
        var lines = Lines(7, 1000);
        var runs = new EventRuns();
        foreach (var ev in lines)
        {
            Assert.True(runs.Add(ev, Message(ev)));
        }
        AssertRuns(lines, [.. runs.Drain()]);
        Assert.Equal(0, runs.Count);
    }

    [Fact]
    public void Runs_opened_after_a_drain_start_from_their_own_first_line_and_text()
    {
        var runs = new EventRuns();
        var before = Lines(7, 1000);
        foreach (var ev in before)
        {
            runs.Add(ev, Message(ev));
        }
        var first = runs.Drain().ToList();
        AssertRuns(before, first);
        // The same minutes again from later offsets: the reused runs must not keep the first drain's counts or lines.
        var after = Lines(11, 10_000_000);
        foreach (var ev in after)
        {
            runs.Add(ev, Message(ev));
        }
        AssertRuns(after, [.. runs.Drain()]);
        AssertRuns(before, first);
    }

    [Fact]
    public void Drains_into_one_list_through_one_arena_give_the_rows_of_separate_drains()
    {
        // As a reader drains: into its list and arena, the rows appended before the arena is reset for the next drain.
        var arena = new RowArena();
        var into = new List<StoredEvent>();
        var runs = new EventRuns();
        foreach (var (seed, offset) in new[] { (7, 1000L), (11, 10_000_000L) })
        {
            var lines = Lines(seed, offset);
            foreach (var ev in lines)
            {
                runs.Add(ev, Message(ev));
            }
            runs.Drain(into, arena);
            Assert.Equal(0, runs.Count);
            AssertRuns(lines, into);
            into.Clear();
            arena.Reset();
        }
    }

    [Fact]
    public void Runs_that_say_the_same_share_one_text_and_a_run_keyed_anew_by_an_earlier_line_takes_its_text()
    {
        var runs = new EventRuns();
        var late = Line(5000, T0, EventKind.ConntrackFull, 0);
        var otherMinute = Line(6000, T0.AddMinutes(1), EventKind.ConntrackFull, 0);
        var early = Line(100, T0.AddSeconds(1), EventKind.ConntrackFull, 0);
        runs.Add(late, "nf_conntrack: table full, dropping packet"u8);
        runs.Add(otherMinute, "nf_conntrack: table full, dropping packet"u8);
        runs.Add(early, "nf_conntrack: nf_conntrack: table full, dropping packet"u8);
        var rows = runs.Drain().OrderBy(r => r.Event.Position.Offset).ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal((100L, 2L, "nf_conntrack: nf_conntrack: table full, dropping packet"), (rows[0].Event.Position.Offset, rows[0].Weight, rows[0].Text));
        Assert.Equal((6000L, 1L, "nf_conntrack: table full, dropping packet"), (rows[1].Event.Position.Offset, rows[1].Weight, rows[1].Text));

        runs.Add(Line(7000, T0.AddMinutes(2), EventKind.ConntrackFull, 0), "nf_conntrack: table full, dropping packet"u8);
        Assert.Same(rows[1].Text, runs.Drain().Single().Text);
    }

    [Fact]
    public void A_text_longer_than_the_kept_length_is_cut_and_still_shared()
    {
        var runs = new EventRuns();
        var message = System.Text.Encoding.UTF8.GetBytes("TCP: out of memory -- " + new string('x', 3000));
        runs.Add(Line(1, T0, EventKind.TcpOutOfMemory, 0), message);
        runs.Add(Line(2, T0.AddMinutes(1), EventKind.TcpOutOfMemory, 0), message);
        var rows = runs.Drain().ToList();
        Assert.Equal(2, rows.Count);
        Assert.Equal(EventRuns.MaxText, rows[0].Text!.Length);
        Assert.Same(rows[0].Text, rows[1].Text);
    }

    [Theory]
    [InlineData(2025, 6, 17, 4, 0, 59, 999)]
    [InlineData(1970, 1, 1, 0, 0, 0, 0)]
    [InlineData(1969, 12, 31, 23, 59, 59, 1)]
    [InlineData(2, 3, 4, 5, 6, 7, 8)]
    public void The_clock_of_a_dated_line_is_its_unix_milliseconds_whatever_the_kind_of_its_time(int y, int mo, int d, int h, int mi, int s, int ms)
    {
        var utc = new DateTime(y, mo, d, h, mi, s, ms, DateTimeKind.Utc).AddTicks(9_999);
        Assert.Equal(new DateTimeOffset(utc).ToUnixTimeMilliseconds(), EventRuns.Clock(new NetEvent { Time = utc, UptimeMicros = 5 }));
        var unspecified = DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);
        Assert.Equal(new DateTimeOffset(unspecified).ToUnixTimeMilliseconds(), EventRuns.Clock(new NetEvent { Time = unspecified }));
        Assert.Equal(5, EventRuns.Clock(new NetEvent { UptimeMicros = 5 }));
    }
}
