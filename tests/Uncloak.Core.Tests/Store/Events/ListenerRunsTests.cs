using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>Issue 18, item 6: the SYN-flood runs of one minute as one row, each run read back as a row of its own would be.</summary>
public sealed class ListenerRunsTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    private static NetEvent SynFlood(long offset, DateTime time, string? listener, ushort port, SynFloodAction action) => new()
    {
        Kind = EventKind.SynFlood,
        Form = (byte)action,
        Time = time,
        UptimeMicros = 1_000_000 + offset,
        Local = listener is null ? NetAddress.None : NetAddress.Parse(listener),
        LocalPort = port,
        Protocol = 6,
        Position = new SourcePosition(1, offset),
    };

    /// <summary>Lines of five listeners (one IPv6, one without an address) and both actions over two minutes, in an interleaved order.</summary>
    private static List<NetEvent> Lines()
    {
        (string?, ushort)[] listeners = [("198.18.0.10", 80), ("198.18.0.10", 443), ("2001:2::10", 443), (null, 22), ("198.18.0.11", 8080)];
        var rnd = new Random(3);
        var lines = new List<NetEvent>();
        for (int i = 0; i < 600; i++)
        {
            var (local, port) = listeners[rnd.Next(listeners.Length)];
            lines.Add(SynFlood(1000 + i * 97, T0.AddMilliseconds(i * 200 + rnd.Next(150)), local, port,
                rnd.Next(3) == 0 ? SynFloodAction.DroppingRequest : SynFloodAction.SendingCookies));
        }
        return lines;
    }

    private static List<StoredEvent> Stored(IEnumerable<NetEvent> lines)
    {
        var runs = new EventRuns();
        foreach (var ev in lines)
        {
            Assert.True(runs.Add(ev, "Possible SYN flooding on port 80. Sending cookies."u8));
        }
        return [.. runs.Drain()];
    }

    /// <summary>What the reader gives back for the stored rows.</summary>
    private static List<StoredEvent> ReadBack(List<StoredEvent> rows)
        => [.. rows.SelectMany(r => r.Lines.IsEmpty
            ? (r.LastClock is { } last && r.Weight > 1
                ? [r with { Weight = r.Weight - 1, LastClock = null }, new StoredEvent(r.Event with { Time = DateTimeOffset.FromUnixTimeMilliseconds(last).UtcDateTime }, 1, r.Text)]
                : [r])
            : ListenerRuns.Read(r.Event, r.Text, r.Weight, r.LastClock!.Value, r.Lines.ToArray()))];

    private static (byte Form, NetAddress Local, ushort Port, long Minute) Key(NetEvent ev) => (ev.Form, ev.Local, ev.LocalPort, ev.Time.Ticks / TimeSpan.TicksPerMinute);

    [Fact]
    public void The_runs_of_one_minute_are_one_row_and_come_back_with_their_counts_first_lines_and_last_times()
    {
        var lines = Lines();
        var rows = Stored(lines);
        Assert.Equal(2, rows.Count); // two minutes
        Assert.Equal(lines.Count, rows.Sum(r => r.Weight));

        var back = ReadBack(rows);
        Assert.Equal(lines.Count, back.Sum(r => r.Weight));
        var expected = lines.GroupBy(e => Key(e)).ToDictionary(g => g.Key, g => (Count: (long)g.Count(), First: g.MinBy(e => e.Position.Offset), Last: g.Max(e => e.Time)));
        var actual = back.GroupBy(r => Key(r.Event)).ToDictionary(g => g.Key, g => (Count: g.Sum(r => r.Weight), First: g.MinBy(r => r.Event.Position.Offset).Event, Last: g.Max(r => r.Event.Time)));
        Assert.Equal(expected.Count, actual.Count);
        foreach (var (key, want) in expected)
        {
            Assert.True(actual.TryGetValue(key, out var got), key.ToString());
            Assert.Equal(want.Count, got.Count);
            Assert.Equal(want.First.Position, got.First.Position);
            Assert.Equal(want.First.Time, got.First.Time);
            Assert.Equal(want.First.UptimeMicros, got.First.UptimeMicros);
            Assert.Equal(want.Last, got.Last);
        }
    }

    [Fact]
    public void Runs_of_lines_without_a_date_are_kept_by_uptime()
    {
        var lines = Lines().Select(e => e with { Time = default, UptimeMicros = (e.Time - T0).Ticks / 10 }).ToList();
        var back = ReadBack(Stored(lines));
        Assert.Equal(lines.Count, back.Sum(r => r.Weight));
        Assert.Equal(lines.Max(e => e.UptimeMicros), back.Max(r => r.Event.UptimeMicros));
        Assert.Equal(lines.Select(e => (e.Form, e.Local, e.LocalPort)).Distinct().Count(), back.Select(r => (r.Event.Form, r.Event.Local, r.Event.LocalPort)).Distinct().Count());
    }

    [Fact]
    public void A_line_of_another_protocol_stays_a_row_of_its_own()
    {
        var lines = Lines().Take(50).ToList();
        lines.Add(lines[10] with { Protocol = 17, Local = NetAddress.Parse("198.18.0.99"), LocalPort = 9, Position = new SourcePosition(1, 999_999) });
        var rows = Stored(lines);
        Assert.Equal(2, rows.Count);
        Assert.Equal(lines.Count, ReadBack(rows).Sum(r => r.Weight));
    }

    [Fact]
    public void A_damaged_blob_gives_back_what_it_can_and_every_line_is_still_counted()
    {
        var row = Assert.Single(Stored(Lines().Take(100)));
        var blob = row.Lines.ToArray();
        var rnd = new Random(5);
        foreach (var damaged in new[] { blob[..(blob.Length / 2)], blob[..1], [0xFF, 0xFF, 0xFF], rnd.GetItems(blob, blob.Length) })
        {
            var back = ListenerRuns.Read(row.Event, row.Text, row.Weight, row.LastClock!.Value, damaged).ToList();
            Assert.Equal(row.Weight, back.Sum(r => r.Weight));
            Assert.All(back, r => Assert.True(r.Weight >= 1));
        }
    }
}
