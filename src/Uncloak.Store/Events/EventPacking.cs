using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The event fields that are stored but never queried by SQL, packed little-endian into one blob.
/// Layout version byte first, so a later layout can still read old rows.
/// </summary>
internal static class EventPacking
{
    private const byte Version = 1;

    /// <summary>Longest packed form: fixed fields plus four strings of at most 255 bytes each.</summary>
    public const int MaxLength = 128 + 4 * 256;

    [SkipLocalsInit]
    public static byte[] Pack(in NetEvent ev)
    {
        Span<byte> buf = stackalloc byte[MaxLength];
        return buf[..Pack(ev, buf)].ToArray();
    }

    /// <summary>Packs into <paramref name="buf"/> (at least <see cref="MaxLength"/> bytes) and returns the length.</summary>
    public static int Pack(in NetEvent ev, Span<byte> buf)
    {
        int o = 0;
        buf[o++] = Version;
        buf[o++] = ev.Form;
        buf[o++] = (byte)(ev.Peer.IsV4 ? 4 : ev.Peer.IsV6 ? 6 : 0);
        buf[o++] = (byte)(ev.Local.IsV4 ? 4 : ev.Local.IsV6 ? 6 : 0);
        if (!ev.Local.IsNone)
        {
            ev.Local.WriteBytes(buf.Slice(o, 16));
            o += 16;
        }
        BinaryPrimitives.WriteUInt16LittleEndian(buf[o..], ev.PeerPort); o += 2;
        BinaryPrimitives.WriteUInt32LittleEndian(buf[o..], ev.SeqFrom); o += 4;
        BinaryPrimitives.WriteUInt32LittleEndian(buf[o..], ev.SeqTo); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf[o..], ev.Millis); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf[o..], ev.Millis2); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf[o..], ev.SpeedMbps); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf[o..], ev.Queue); o += 4;
        BinaryPrimitives.WriteInt32LittleEndian(buf[o..], ev.Length); o += 4;
        BinaryPrimitives.WriteInt64LittleEndian(buf[o..], ev.Count); o += 8;
        BinaryPrimitives.WriteInt64LittleEndian(buf[o..], ev.UptimeMicros); o += 8;
        buf[o++] = (byte)ev.Duplex;
        buf[o++] = (byte)ev.FlowControl;
        buf[o++] = ev.Protocol;
        buf[o++] = (byte)ev.TcpFlags;
        o = WriteString(buf, o, ev.Host);
        o = WriteString(buf, o, ev.Interface);
        o = WriteString(buf, o, ev.Driver);
        o = WriteString(buf, o, ev.Prefix);
        return o;
    }

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> pack (<see cref="Pack(in NetEvent, Span{byte})"/>) to the
    /// same body in every field but the ones a run keeps per line or per listener (form, local address, speed, duplex,
    /// flow control, uptime), compared field by field: packing both to compare them was most of the cost of a link run
    /// on a flapping NIC (issue 18 item 6). Strings compare whole, so this is never looser than comparing packed bodies
    /// (which cut strings at 66 characters).
    /// </summary>
    public static bool SameBodyButRunFields(in NetEvent a, in NetEvent b)
        => a.Peer.IsV4 == b.Peer.IsV4 && a.Peer.IsV6 == b.Peer.IsV6 && a.PeerPort == b.PeerPort
            && a.SeqFrom == b.SeqFrom && a.SeqTo == b.SeqTo && a.Millis == b.Millis && a.Millis2 == b.Millis2
            && a.Queue == b.Queue && a.Length == b.Length && a.Count == b.Count && a.Protocol == b.Protocol && a.TcpFlags == b.TcpFlags
            && string.Equals(a.Host, b.Host, StringComparison.Ordinal) && string.Equals(a.Interface, b.Interface, StringComparison.Ordinal)
            && string.Equals(a.Driver, b.Driver, StringComparison.Ordinal) && string.Equals(a.Prefix, b.Prefix, StringComparison.Ordinal);

    public static NetEvent Unpack(ReadOnlySpan<byte> b, NetEvent head)
    {
        if (b.Length < 4 || b[0] != Version)
        {
            return head;
        }
        int o = 1;
        byte form = b[o++];
        byte peerFamily = b[o++];
        byte localFamily = b[o++];
        var local = NetAddress.None;
        if (localFamily != 0)
        {
            local = NetAddress.FromBytes(b.Slice(o, 16));
            o += 16;
        }
        var ev = head with
        {
            Form = form,
            Local = local,
            PeerPort = BinaryPrimitives.ReadUInt16LittleEndian(b[o..]),
            SeqFrom = BinaryPrimitives.ReadUInt32LittleEndian(b[(o + 2)..]),
            SeqTo = BinaryPrimitives.ReadUInt32LittleEndian(b[(o + 6)..]),
            Millis = BinaryPrimitives.ReadInt32LittleEndian(b[(o + 10)..]),
            Millis2 = BinaryPrimitives.ReadInt32LittleEndian(b[(o + 14)..]),
            SpeedMbps = BinaryPrimitives.ReadInt32LittleEndian(b[(o + 18)..]),
            Queue = BinaryPrimitives.ReadInt32LittleEndian(b[(o + 22)..]),
            Length = BinaryPrimitives.ReadInt32LittleEndian(b[(o + 26)..]),
            Count = BinaryPrimitives.ReadInt64LittleEndian(b[(o + 30)..]),
            UptimeMicros = BinaryPrimitives.ReadInt64LittleEndian(b[(o + 38)..]),
            Duplex = (Duplex)b[o + 46],
            FlowControl = (FlowControl)b[o + 47],
            Protocol = b[o + 48],
            TcpFlags = (TcpFlags)b[o + 49],
        };
        o += 50;
        _ = peerFamily;
        string? host = ReadString(b, ref o), iface = ReadString(b, ref o), driver = ReadString(b, ref o), prefix = ReadString(b, ref o);
        return ev with { Host = host, Interface = iface, Driver = driver, Prefix = prefix };
    }

    private static int WriteString(Span<byte> buf, int o, string? s)
    {
        if (s is null)
        {
            buf[o++] = 0xFF;
            return o;
        }
        int max = Math.Min(200, buf.Length - o - 2);
        int n = Encoding.UTF8.GetBytes(s.AsSpan(0, Math.Min(s.Length, max / 3)), buf[(o + 1)..]);
        buf[o] = (byte)n;
        return o + 1 + n;
    }

    private static string? ReadString(ReadOnlySpan<byte> b, ref int o)
    {
        if (o >= b.Length)
        {
            return null;
        }
        byte n = b[o++];
        if (n == 0xFF)
        {
            return null;
        }
        var s = Encoding.UTF8.GetString(b.Slice(o, Math.Min(n, b.Length - o)));
        o += n;
        return string.Intern(s);
    }
}
