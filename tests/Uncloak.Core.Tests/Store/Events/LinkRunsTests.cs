using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Uncloak.Store.Timeline;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6 (`rows`): the link lines of one interface and ten minutes are one row; every line comes back from
/// it, and the row says how many of its lines fall in each minute (the dashboard's timeline).
/// </summary>
public sealed class LinkRunsTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 0, 0, DateTimeKind.Utc);

    private static NetEvent Link(long offset, DateTime time, string iface, bool up) => new()
    {
        Kind = EventKind.NicLink,
        Form = (byte)(up ? 1 : 0),
        Time = time,
        UptimeMicros = 5_000_000 + offset,
        Interface = iface,
        Driver = "e1000e",
        Host = "web1",
        SpeedMbps = up ? 1000 : 0,
        Duplex = up ? Duplex.Full : Duplex.Unknown,
        Position = new SourcePosition(1, offset),
    };

    /// <summary>A flap every 20 seconds on two interfaces for 25 minutes: 150 lines.</summary>
    private static List<NetEvent> Flaps()
    {
        var lines = new List<NetEvent>();
        for (int i = 0; i < 75; i++)
        {
            lines.Add(Link(100 + i * 80, T0.AddSeconds(i * 20), "eth0", up: i % 2 == 1));
            lines.Add(Link(140 + i * 80, T0.AddSeconds(i * 20 + 3), "eth1", up: i % 2 == 0));
        }
        return lines;
    }

    [Fact]
    public void Ten_minutes_of_an_interface_are_one_row_that_gives_back_every_line_and_its_minutes()
    {
        var lines = Flaps();
        var runs = new LinkRuns();
        foreach (var ev in lines)
        {
            Assert.True(runs.Add(ev, "e1000e 0000:00:19.0 eth0: NIC Link is Down"u8));
        }
        var rows = runs.Drain().ToList();
        // 25 minutes from 04:00: the periods 04:00, 04:10 and 04:20 of each interface.
        Assert.Equal(6, rows.Count);
        Assert.Equal(lines.Count, rows.Sum(r => r.Weight));

        var back = new List<NetEvent>();
        foreach (var row in rows)
        {
            back.Add(row.Event);
            back.AddRange(LinkLines.Read(row.Lines.Span, row.Event, EventRuns.Clock(row.Event)));
            // The minutes the row counts are its lines' minutes, each line once.
            (long Minute, long Count)[] minutes = row.Weight == 1 ? [(TimelineCounts.UnixMinute(row.Event.Time), 1L)] : row.Minutes.ToArray();
            Assert.Equal(row.Weight, minutes.Sum(m => m.Count));
            var expected = lines.Where(l => l.Interface == row.Event.Interface && EventRuns.Clock(l) / 600_000 == EventRuns.Clock(row.Event) / 600_000)
                .GroupBy(l => TimelineCounts.UnixMinute(l.Time)).Select(g => (g.Key, (long)g.Count())).Order().ToArray();
            Assert.Equal(expected, minutes.Order().ToArray());
        }
        Assert.Equal(lines.OrderBy(l => l.Position.Offset).Select(l => (l.Position, l.Time, l.Form, l.SpeedMbps, l.Duplex)),
            back.OrderBy(l => l.Position.Offset).Select(l => (l.Position, l.Time, l.Form, l.SpeedMbps, l.Duplex)));
    }

    [Fact]
    public void A_run_is_closed_at_its_row_size_and_the_next_line_opens_another()
    {
        // 1,000 lines of one interface within one ten-minute period: more than one row can hold.
        var lines = Enumerable.Range(0, 1000).Select(i => Link(90L * (i + 1), T0.AddMilliseconds(i * 500), "eth0", up: i % 2 == 0)).ToList();
        var runs = new LinkRuns();
        foreach (var ev in lines)
        {
            Assert.True(runs.Add(ev, "x"u8));
        }
        Assert.True(runs.Count > 1 && runs.Count < 100, $"{runs.Count} runs");
        var rows = runs.Drain().ToList();
        Assert.Equal(0, runs.Count);
        Assert.All(rows, r => Assert.True(r.Lines.Length <= LinkRuns.RowBytes, $"{r.Lines.Length} bytes of lines"));
        Assert.Equal(lines.Count, rows.Sum(r => r.Weight));
        var back = rows.SelectMany(r => LinkLines.Read(r.Lines.Span, r.Event, EventRuns.Clock(r.Event)).Prepend(r.Event)).ToList();
        Assert.Equal(lines.Select(l => (l.Position, l.Time, l.Form)), back.OrderBy(l => l.Position.Offset).Select(l => (l.Position, l.Time, l.Form)));
    }
}
