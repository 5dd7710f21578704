using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The event fields that are stored but never queried by SQL, packed into one blob. Layout version byte first, so a
/// later layout can still read old rows: version 1 (written until issue 18 item 6's `rows` slice) held every field at a
/// fixed width, 70 bytes a row before the strings and most of them zeros; version 2 writes a mask of the fields that are
/// not zero and only those, as variable-length integers, and an IPv4 local address in 4 bytes: a treason row's body
/// went from 62 to about 30 bytes, which on a dense log is a fifth of the events table the store writer fills.
/// </summary>
internal static class EventPacking
{
    private const byte Version1 = 1;
    private const byte Version = 2;

    /// <summary>Longest packed form: fixed fields plus four strings of at most 255 bytes each.</summary>
    public const int MaxLength = 128 + 4 * 256;

    // Version 2's field mask, one bit per numeric field in the order they follow it.
    private const int PeerPortBit = 1 << 0, SeqFromBit = 1 << 1, SeqToBit = 1 << 2, MillisBit = 1 << 3, Millis2Bit = 1 << 4,
        SpeedBit = 1 << 5, QueueBit = 1 << 6, LengthBit = 1 << 7, CountBit = 1 << 8, UptimeBit = 1 << 9, DuplexBit = 1 << 10,
        FlowControlBit = 1 << 11, ProtocolBit = 1 << 12, TcpFlagsBit = 1 << 13;

    [SkipLocalsInit]
    public static byte[] Pack(in NetEvent ev)
    {
        Span<byte> buf = stackalloc byte[MaxLength];
        return buf[..Pack(ev, buf)].ToArray();
    }

    /// <summary>Packs into <paramref name="buf"/> (at least <see cref="MaxLength"/> bytes) and returns the length.</summary>
    public static int Pack(in NetEvent ev, Span<byte> buf)
    {
        int mask = (ev.PeerPort != 0 ? PeerPortBit : 0) | (ev.SeqFrom != 0 ? SeqFromBit : 0) | (ev.SeqTo != 0 ? SeqToBit : 0)
            | (ev.Millis != 0 ? MillisBit : 0) | (ev.Millis2 != 0 ? Millis2Bit : 0) | (ev.SpeedMbps != 0 ? SpeedBit : 0)
            | (ev.Queue != 0 ? QueueBit : 0) | (ev.Length != 0 ? LengthBit : 0) | (ev.Count != 0 ? CountBit : 0)
            | (ev.UptimeMicros != 0 ? UptimeBit : 0) | (ev.Duplex != 0 ? DuplexBit : 0) | (ev.FlowControl != 0 ? FlowControlBit : 0)
            | (ev.Protocol != 0 ? ProtocolBit : 0) | (ev.TcpFlags != 0 ? TcpFlagsBit : 0);
        int o = 0;
        buf[o++] = Version;
        buf[o++] = ev.Form;
        buf[o++] = (byte)(ev.Local.IsV4 ? 4 : ev.Local.IsV6 ? 6 : 0);
        BinaryPrimitives.WriteUInt16LittleEndian(buf[o..], (ushort)mask); o += 2;
        if (ev.Local.IsV4)
        {
            // The low 4 bytes of the IPv4-mapped form, in network order (NetAddress.FromBytes reads 4 bytes as IPv4).
            BinaryPrimitives.WriteUInt32BigEndian(buf[o..], (uint)ev.Local.Low); o += 4;
        }
        else if (ev.Local.IsV6)
        {
            ev.Local.WriteBytes(buf.Slice(o, 16));
            o += 16;
        }
        o = WriteIf(buf, o, mask, PeerPortBit, ev.PeerPort);
        o = WriteIf(buf, o, mask, SeqFromBit, ev.SeqFrom);
        o = WriteIf(buf, o, mask, SeqToBit, ev.SeqTo);
        o = WriteIf(buf, o, mask, MillisBit, VarInt.ZigZag(ev.Millis));
        o = WriteIf(buf, o, mask, Millis2Bit, VarInt.ZigZag(ev.Millis2));
        o = WriteIf(buf, o, mask, SpeedBit, VarInt.ZigZag(ev.SpeedMbps));
        o = WriteIf(buf, o, mask, QueueBit, VarInt.ZigZag(ev.Queue));
        o = WriteIf(buf, o, mask, LengthBit, VarInt.ZigZag(ev.Length));
        o = WriteIf(buf, o, mask, CountBit, VarInt.ZigZag(ev.Count));
        o = WriteIf(buf, o, mask, UptimeBit, VarInt.ZigZag(ev.UptimeMicros));
        o = WriteIf(buf, o, mask, DuplexBit, (byte)ev.Duplex);
        o = WriteIf(buf, o, mask, FlowControlBit, (byte)ev.FlowControl);
        o = WriteIf(buf, o, mask, ProtocolBit, ev.Protocol);
        o = WriteIf(buf, o, mask, TcpFlagsBit, (byte)ev.TcpFlags);
        o = WriteString(buf, o, ev.Host);
        o = WriteString(buf, o, ev.Interface);
        o = WriteString(buf, o, ev.Driver);
        o = WriteString(buf, o, ev.Prefix);
        return o;
    }

    private static int WriteIf(Span<byte> buf, int o, int mask, int bit, ulong value)
        => (mask & bit) == 0 ? o : o + VarInt.Write(buf[o..], value);

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

    /// <summary>
    /// The event <paramref name="b"/> packs, on <paramref name="head"/> (the fields kept in their own columns); a body of a
    /// layout this build does not know, or one cut short or damaged, gives <paramref name="head"/> (or what it could read)
    /// rather than an exception: a store is read back whole even when a row of it is bad.
    /// </summary>
    public static NetEvent Unpack(ReadOnlySpan<byte> b, NetEvent head)
    {
        if (b.Length >= 4 && b[0] == Version1)
        {
            return UnpackVersion1(b, head);
        }
        if (b.Length < 5 || b[0] != Version)
        {
            return head;
        }
        int o = 1;
        byte form = b[o++];
        byte localFamily = b[o++];
        int mask = BinaryPrimitives.ReadUInt16LittleEndian(b[o..]);
        o += 2;
        var local = NetAddress.None;
        int localLength = localFamily == 4 ? 4 : localFamily == 6 ? 16 : 0;
        if (o + localLength > b.Length)
        {
            return head;
        }
        if (localLength != 0)
        {
            local = NetAddress.FromBytes(b.Slice(o, localLength));
            o += localLength;
        }
        bool ok = true;
        var ev = head with
        {
            Form = form,
            Local = local,
            PeerPort = (ushort)ReadIf(b, ref o, mask, PeerPortBit, ref ok),
            SeqFrom = (uint)ReadIf(b, ref o, mask, SeqFromBit, ref ok),
            SeqTo = (uint)ReadIf(b, ref o, mask, SeqToBit, ref ok),
            Millis = (int)VarInt.UnZigZag(ReadIf(b, ref o, mask, MillisBit, ref ok)),
            Millis2 = (int)VarInt.UnZigZag(ReadIf(b, ref o, mask, Millis2Bit, ref ok)),
            SpeedMbps = (int)VarInt.UnZigZag(ReadIf(b, ref o, mask, SpeedBit, ref ok)),
            Queue = (int)VarInt.UnZigZag(ReadIf(b, ref o, mask, QueueBit, ref ok)),
            Length = (int)VarInt.UnZigZag(ReadIf(b, ref o, mask, LengthBit, ref ok)),
            Count = VarInt.UnZigZag(ReadIf(b, ref o, mask, CountBit, ref ok)),
            UptimeMicros = VarInt.UnZigZag(ReadIf(b, ref o, mask, UptimeBit, ref ok)),
            Duplex = (Duplex)(byte)ReadIf(b, ref o, mask, DuplexBit, ref ok),
            FlowControl = (FlowControl)(byte)ReadIf(b, ref o, mask, FlowControlBit, ref ok),
            Protocol = (byte)ReadIf(b, ref o, mask, ProtocolBit, ref ok),
            TcpFlags = (TcpFlags)(byte)ReadIf(b, ref o, mask, TcpFlagsBit, ref ok),
        };
        if (!ok)
        {
            return head;
        }
        string? host = ReadString(b, ref o), iface = ReadString(b, ref o), driver = ReadString(b, ref o), prefix = ReadString(b, ref o);
        return ev with { Host = host, Interface = iface, Driver = driver, Prefix = prefix };
    }

    private static ulong ReadIf(ReadOnlySpan<byte> b, ref int o, int mask, int bit, ref bool ok)
    {
        if ((mask & bit) == 0)
        {
            return 0;
        }
        if (!VarInt.TryRead(b, ref o, out ulong v))
        {
            ok = false;
        }
        return v;
    }

    /// <summary>The fixed-width layout of stores written before version 2 (their rows are never rewritten).</summary>
    private static NetEvent UnpackVersion1(ReadOnlySpan<byte> b, NetEvent head)
    {
        int o = 1;
        byte form = b[o++];
        o++; // the peer's family: the peer has its own column
        byte localFamily = b[o++];
        if (b.Length < o + (localFamily != 0 ? 16 : 0) + 50)
        {
            return head;
        }
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
