using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Store.Events;
using Uncloak.Store.Timeline;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6: analyze's rare events as blocks of rows (migration 46). A block gives back, row by row, what an
/// <c>events</c> row of each would have held, and the per-minute counts its write adds to the timeline; a damaged one is
/// refused whole, never misread.
/// </summary>
public sealed class EventBlockTests
{
    private static readonly DateTime T0 = new(2025, 6, 17, 4, 7, 9, 250, DateTimeKind.Utc);

    private static NetEvent Treason(long offset, DateTime time, string peer) => new()
    {
        Kind = EventKind.Treason, Form = 2, Time = time, UptimeMicros = 33_211_102_938, Peer = NetAddress.Parse(peer), PeerPort = 43301,
        LocalPort = 80, SeqFrom = 2244026871, SeqTo = 2244027701, Host = "web1", Position = new SourcePosition(3, offset),
    };

    /// <summary>One row of every shape the readers store.</summary>
    private static List<StoredEvent> Rows()
    {
        var link = new NetEvent
        {
            Kind = EventKind.NicLink, Form = 1, Time = T0.AddMinutes(1), UptimeMicros = -1, Interface = "eth0", Driver = "e1000e", SpeedMbps = 1000,
            Position = new SourcePosition(3, 900),
        };
        return
        [
            new(Treason(100, T0, "168.209.98.35"), 1, null),
            new(Treason(250, T0.AddSeconds(3), "2001:2::7") with { Form = 3, Millis = 209, Millis2 = 1224 }, 1, null),
            // A run of one minute (EventRuns): weight and last time.
            new(new NetEvent { Kind = EventKind.ConntrackFull, Time = T0.AddSeconds(5), UptimeMicros = -1, Position = new SourcePosition(3, 400) }, 57,
                "nf_conntrack: nf_conntrack: table full, dropping packet", new DateTimeOffset(T0.AddSeconds(50)).ToUnixTimeMilliseconds()),
            // A run of link lines over two minutes (LinkRuns): lines and minutes.
            new(link, 3, "e1000e: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
                new DateTimeOffset(T0.AddMinutes(2)).ToUnixTimeMilliseconds(), new byte[] { 9, 8, 7, 6, 5, 4, 3 }, new (long, long)[] { (TimelineCounts.UnixMinute(T0) + 1, 2), (TimelineCounts.UnixMinute(T0) + 2, 1) }),
            // Uptime only (dmesg): no wall time, no place on the timeline; text with non-ASCII.
            new(new NetEvent { Kind = EventKind.NetdevWatchdog, UptimeMicros = 5_002_118_321, Interface = "enp3s0", Driver = "r8169", Position = new SourcePosition(3, 1200) }, 1,
                "NETDEV WATCHDOG: enp3s0 (r8169): transmit queue 0 timed out — 5004 ms"),
            // Before 1970 and far apart: the deltas are signed.
            new(Treason(1300, new DateTime(1969, 12, 31, 23, 59, 0, DateTimeKind.Utc), "198.18.0.9"), 1, null),
            new(Treason(1_000_000_000_000, T0.AddYears(30), "198.18.0.10"), 1, null),
        ];
    }

    private static EventBlock Build(IEnumerable<StoredEvent> rows)
    {
        var builder = new EventBlockBuilder();
        foreach (var row in rows)
        {
            builder.Append(row);
        }
        return builder.Build()!;
    }

    [Fact]
    public void A_block_gives_back_each_row_as_an_events_row_would_have_held_it()
    {
        var rows = Rows();
        var block = Build(rows);
        var decoded = EventBlock.DecodeRows(3, block.Data.Span);
        Assert.Equal(rows.Count, decoded.Count);
        for (int i = 0; i < rows.Count; i++)
        {
            var (want, got) = (rows[i], decoded[i]);
            var ev = want.Event;
            bool run = want.Weight != 1 && want.LastClock is not null;
            Assert.Equal(ev.Position.Offset, got.Offset);
            Assert.Equal(ev.HasTime ? new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds() : null, got.TimeMs);
            Assert.Equal(ev.Kind, got.Kind);
            Assert.Equal(ev.Peer, got.Peer);
            Assert.Equal(ev.LocalPort, got.LocalPort);
            Assert.Equal(EventPacking.Pack(ev), got.Body);
            Assert.Equal(want.Text, got.Text);
            Assert.Equal(run ? want.Weight : 1, got.Weight);
            Assert.Equal(run ? want.LastClock : null, got.LastClock);
            Assert.Equal(run && !want.Lines.IsEmpty ? want.Lines.ToArray() : null, got.Lines);
        }
        Assert.Equal((3, 100L, 1_000_000_000_000L, rows.Count), (block.Source, block.FirstOffset, block.LastOffset, block.Rows));
        Assert.Equal(new DateTimeOffset(new DateTime(1969, 12, 31, 23, 59, 0, DateTimeKind.Utc)).ToUnixTimeMilliseconds(), block.FirstMs);
        Assert.Equal(new DateTimeOffset(T0.AddYears(30)).ToUnixTimeMilliseconds(), block.LastMs);
        // Expanded, the rows are the events the store gives back: a treason row's text rebuilt from its fields.
        var events = EventBlock.Decode(3, block.Data.Span);
        Assert.Equal("Peer 168.209.98.35:43301/80 unexpectedly shrunk window 2244026871:2244027701 (repaired)", events[0].Text);
        Assert.Equal(rows[0].Event, events[0].Event);
    }

    [Fact]
    public void The_blocks_minutes_are_what_the_timeline_counts_for_its_rows()
    {
        long m = TimelineCounts.UnixMinute(T0);
        var minutes = EventBlock.ReadMinutes(3, Build(Rows()).Data.Span);
        Assert.Equal(
        [
            (TimelineCounts.UnixMinute(new DateTime(1969, 12, 31, 23, 59, 0, DateTimeKind.Utc)), EventKind.Treason, 1L),
            (m, EventKind.Treason, 2L), (m, EventKind.ConntrackFull, 57L),
            (m + 1, EventKind.NicLink, 2L), (m + 2, EventKind.NicLink, 1L),
            (TimelineCounts.UnixMinute(T0.AddYears(30)), EventKind.Treason, 1L),
        ], minutes);
    }

    [Fact]
    public void A_builder_is_full_past_its_target_starts_afresh_after_each_block_and_holds_one_source()
    {
        var builder = new EventBlockBuilder();
        int n = 0;
        while (!builder.Full)
        {
            builder.Append(new StoredEvent(Treason(n * 120L, T0.AddSeconds(n), "198.18.0.1"), 1, null));
            n++;
        }
        Assert.InRange(n, 1_000, 10_000);
        var first = builder.Build()!;
        Assert.Equal((n, 0L, (n - 1) * 120L), (first.Rows, first.FirstOffset, first.LastOffset));
        Assert.Null(builder.Build());
        builder.Append(new StoredEvent(Treason(7, T0, "198.18.0.1"), 1, null));
        Assert.Throws<InvalidOperationException>(() => builder.Append(new StoredEvent(Treason(8, T0, "198.18.0.1") with { Position = new SourcePosition(4, 8) }, 1, null)));
        var second = builder.Build()!;
        Assert.Equal([7L], EventBlock.DecodeRows(3, second.Data.Span).Select(r => r.Offset));
        Assert.Equal(EventBlock.DecodeRows(3, first.Data.Span).Count, n);
    }

    [Fact]
    public void A_text_written_by_an_earlier_row_of_the_block_is_referred_to_not_written_again()
    {
        // Layout 2: the runs of a dense log repeat a few texts row after row.
        const string Full = "nf_conntrack: nf_conntrack: table full, dropping packet";
        const string Flood = "TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.  Check SNMP counters.";
        var rows = new List<StoredEvent>();
        for (int i = 0; i < 40; i++)
        {
            var ev = new NetEvent { Kind = EventKind.ConntrackFull, Time = T0.AddMinutes(i), UptimeMicros = -1, Position = new SourcePosition(3, 1000 + i * 100) };
            // Equal texts that are not the same string, as two readers' pools would give them.
            rows.Add(new StoredEvent(ev, 3, new string(Full.AsSpan()), new DateTimeOffset(T0.AddMinutes(i).AddSeconds(30)).ToUnixTimeMilliseconds()));
            rows.Add(new StoredEvent(ev with { Kind = EventKind.SynFlood, LocalPort = 443, Position = new SourcePosition(3, 1050 + i * 100) }, 1, i == 7 ? Flood + " " : Flood));
        }
        var block = Build(rows);
        var decoded = EventBlock.DecodeRows(3, block.Data.Span);
        Assert.Equal(rows.Select(r => r.Text), decoded.Select(r => r.Text));
        Assert.Equal(rows.Select(r => r.Event.Position.Offset), decoded.Select(r => r.Offset));
        // Three texts written whole (one differs by a space), the other 77 rows a reference each: the block is less
        // than half its rows' texts (written whole each, it was more than all of them).
        int texts = rows.Sum(r => r.Text!.Length);
        Assert.True(block.Data.Length < texts / 2, $"{block.Data.Length} bytes for {texts} bytes of text");
        Assert.Same(decoded[0].Text, decoded[78].Text);
    }

    [Fact]
    public void A_block_of_layout_1_still_reads_and_a_reference_in_one_is_damage()
    {
        // Layout 1 had no references: a block whose texts all differ is the same bytes but for its first byte.
        var distinct = Build(Rows()).Data.ToArray();
        Assert.Equal(2, distinct[0]);
        var layout1 = (byte[])distinct.Clone();
        layout1[0] = 1;
        Assert.Equal(EventBlock.DecodeRows(3, distinct).Select(r => (r.Offset, r.Text, r.Weight)), EventBlock.DecodeRows(3, layout1).Select(r => (r.Offset, r.Text, r.Weight)));
        Assert.Equal(EventBlock.ReadMinutes(3, distinct), EventBlock.ReadMinutes(3, layout1));

        var repeated = Rows();
        repeated.Add(repeated[2] with { Event = repeated[2].Event with { Position = new SourcePosition(3, 2000) } });
        var referring = Build(repeated).Data.ToArray();
        Assert.Equal(repeated.Count, EventBlock.DecodeRows(3, referring).Count);
        referring[0] = 1;
        Assert.Throws<StoreException>(() => EventBlock.DecodeRows(3, referring));
        referring[0] = 3;
        var newer = Assert.Throws<StoreException>(() => EventBlock.DecodeRows(3, referring));
        Assert.Contains("layout 3, newer than this uncloak reads", newer.Message);
    }

    [Fact]
    public void A_damaged_block_is_refused_whole_never_misread()
    {
        var data = Build(Rows()).Data.ToArray();
        for (int cut = 0; cut < data.Length; cut++)
        {
            Assert.Throws<StoreException>(() => EventBlock.DecodeRows(3, data.AsSpan(0, cut)));
        }
        var random = new Random(46);
        int refused = 0;
        for (int i = 0; i < 5_000; i++)
        {
            var bytes = new byte[random.Next(0, 300)];
            random.NextBytes(bytes);
            if (bytes.Length > 0 && random.Next(2) == 0)
            {
                bytes[0] = (byte)random.Next(1, 3); // a layout read, so past it into the counts and rows
            }
            try
            {
                EventBlock.DecodeRows(3, bytes);
                EventBlock.ReadMinutes(3, bytes);
            }
            catch (StoreException)
            {
                refused++;
            }
        }
        Assert.True(refused > 4_500, $"{refused} of 5,000 random blobs refused");
    }
}
