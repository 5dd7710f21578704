using System.Buffers.Binary;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Tests.Messages;
using Uncloak.Store.Events;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 18, item 6 (`rows`): an event row's body is packed in layout 2 (only the fields that are not zero, as
/// variable-length integers). Every field must come back as it went in, rows of layout 1 in stores written before
/// must still read the same, and a damaged body must read as what it holds rather than throw.
/// </summary>
public sealed class EventPackingTests
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Every sample line that decodes to an event, as the store gets it (source position and all).</summary>
    private static List<NetEvent> SampleEvents()
    {
        var events = new List<NetEvent>();
        foreach (var sample in SampleLine.All())
        {
            if (LineDecoder.Decode(sample.Line, LogEnd).Event is { } ev)
            {
                events.Add(ev with { Position = new SourcePosition(3, 1000L * events.Count) });
            }
        }
        return events;
    }

    /// <summary>What <see cref="EventReader"/> knows of a row before its body: its own columns.</summary>
    private static NetEvent Head(in NetEvent ev) => new()
    {
        Position = ev.Position,
        Time = ev.Time,
        Kind = ev.Kind,
        Peer = ev.Peer,
        LocalPort = ev.LocalPort,
        UptimeMicros = -1,
    };

    [Fact]
    public void Every_sample_event_comes_back_whole_from_its_body()
    {
        var events = SampleEvents();
        Assert.True(events.Count > 200, $"only {events.Count} sample events: the test would prove little");
        Assert.Contains(events, e => e.Local.IsV4);
        Assert.Contains(events, e => e.Local.IsV6);
        foreach (var ev in events)
        {
            Assert.Equal(ev, EventPacking.Unpack(EventPacking.Pack(ev), Head(ev)));
        }
    }

    [Fact]
    public void Extreme_values_of_every_numeric_field_come_back()
    {
        var ev = new NetEvent
        {
            Kind = EventKind.Treason,
            Form = 255,
            Local = NetAddress.Parse("2001:2::ffff:1"),
            PeerPort = ushort.MaxValue,
            SeqFrom = uint.MaxValue,
            SeqTo = 1,
            Millis = int.MinValue,
            Millis2 = int.MaxValue,
            SpeedMbps = -1,
            Queue = int.MaxValue,
            Length = int.MinValue,
            Count = long.MinValue,
            UptimeMicros = long.MaxValue,
            Duplex = (Duplex)255,
            FlowControl = (FlowControl)255,
            Protocol = 255,
            TcpFlags = (TcpFlags)255,
            Host = "h",
            Interface = new string('i', 66),
            Driver = "",
            Prefix = null,
            Position = new SourcePosition(1, 7),
        };
        Assert.Equal(ev, EventPacking.Unpack(EventPacking.Pack(ev), Head(ev)));
        var v4 = ev with { Local = NetAddress.Parse("198.18.0.1"), UptimeMicros = -1, Count = 0 };
        Assert.Equal(v4, EventPacking.Unpack(EventPacking.Pack(v4), Head(v4)));
    }

    [Fact]
    public void A_treason_body_is_less_than_half_of_the_fixed_layout()
    {
        var treason = SampleEvents().First(e => e.Kind == EventKind.Treason && e.SeqFrom != 0);
        Assert.True(EventPacking.Pack(treason).Length * 2 < Version1(treason).Length,
            $"{EventPacking.Pack(treason).Length} bytes against {Version1(treason).Length}");
    }

    [Fact]
    public void Bodies_of_the_fixed_layout_written_before_read_the_same()
    {
        foreach (var ev in SampleEvents())
        {
            Assert.Equal(ev, EventPacking.Unpack(Version1(ev), Head(ev)));
        }
    }

    [Fact]
    public void A_body_cut_short_or_damaged_reads_without_throwing()
    {
        var rnd = new Random(46);
        var events = SampleEvents();
        int read = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var ev = events[rnd.Next(events.Count)];
            byte[] body = rnd.Next(2) == 0 ? EventPacking.Pack(ev) : Version1(ev);
            body = rnd.Next(3) switch
            {
                0 => body[..rnd.Next(body.Length)],
                1 => [.. body.Select(b => rnd.Next(8) == 0 ? (byte)rnd.Next(256) : b)],
                _ => [.. body, .. Enumerable.Range(0, rnd.Next(1, 40)).Select(_ => (byte)rnd.Next(256))],
            };
            var back = EventPacking.Unpack(body, Head(ev));
            Assert.Equal(ev.Position, back.Position);
            Assert.Equal(ev.Kind, back.Kind);
            read++;
        }
        Assert.Equal(20_000, read);
        Assert.Equal(EventKind.Treason, EventPacking.Unpack([9, 9, 9, 9, 9], new NetEvent { Kind = EventKind.Treason }).Kind);
    }

    /// <summary>
    /// Layout 1 as builds before layout 2 wrote it (EventPacking at 5276012): version, form, the peer's and the local
    /// address's families, the local address in 16 bytes, every numeric field at its full width, then the strings.
    /// </summary>
    private static byte[] Version1(in NetEvent ev)
    {
        var buf = new byte[EventPacking.MaxLength];
        int o = 0;
        buf[o++] = 1;
        buf[o++] = ev.Form;
        buf[o++] = (byte)(ev.Peer.IsV4 ? 4 : ev.Peer.IsV6 ? 6 : 0);
        buf[o++] = (byte)(ev.Local.IsV4 ? 4 : ev.Local.IsV6 ? 6 : 0);
        if (!ev.Local.IsNone)
        {
            ev.Local.WriteBytes(buf.AsSpan(o, 16));
            o += 16;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(buf.AsSpan(o), ev.PeerPort); o += 2;
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(o), ev.SeqFrom); o += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(buf.AsSpan(o), ev.SeqTo); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(o), ev.Millis); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(o), ev.Millis2); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(o), ev.SpeedMbps); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(o), ev.Queue); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf.AsSpan(o), ev.Length); o += 4;
        BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(o), ev.Count); o += 8;
        BinaryPrimitives.WriteInt64LittleEndian(buf.AsSpan(o), ev.UptimeMicros); o += 8;
        buf[o++] = (byte)ev.Duplex;
        buf[o++] = (byte)ev.FlowControl;
        buf[o++] = ev.Protocol;
        buf[o++] = (byte)ev.TcpFlags;
        foreach (var s in new[] { ev.Host, ev.Interface, ev.Driver, ev.Prefix })
        {
            if (s is null)
            {
                buf[o++] = 0xFF;
                continue;
            }
            int n = Encoding.UTF8.GetBytes(s.AsSpan(0, Math.Min(s.Length, 66)), buf.AsSpan(o + 1));
            buf[o] = (byte)n;
            o += 1 + n;
        }
        return buf[..o];
    }
}
