using System.Buffers.Binary;
using Uncloak.Core.Events;

namespace Uncloak.Core.Tests.Wire;

/// <summary>Builds frames and capture files byte by byte, as the formats' specifications lay them out.</summary>
internal static class Frames
{
    public static byte[] Tcp(string source, ushort sourcePort, string destination, ushort destinationPort, TcpFlags flags,
        uint seq = 1000, uint ack = 0, ushort window = 65535, int payload = 0, byte[]? options = null, byte ttl = 64)
    {
        var src = NetAddress.Parse(source);
        var dst = NetAddress.Parse(destination);
        options ??= [];
        int tcpLength = 20 + options.Length + payload;
        var tcp = new byte[tcpLength];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(2), destinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(4), seq);
        BinaryPrimitives.WriteUInt32BigEndian(tcp.AsSpan(8), ack);
        tcp[12] = (byte)(((20 + options.Length) / 4) << 4);
        tcp[13] = (byte)flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp.AsSpan(14), window);
        options.CopyTo(tcp, 20);
        return Ip(src, dst, 6, ttl, tcp);
    }

    /// <summary>An ICMP (IPv4) or ICMPv6 message of <paramref name="type"/> with <paramref name="payload"/> bytes after its 8-byte header.</summary>
    public static byte[] Icmp(string source, string destination, byte type, int payload = 56, byte ttl = 64)
    {
        var src = NetAddress.Parse(source);
        var dst = NetAddress.Parse(destination);
        var icmp = new byte[8 + payload];
        icmp[0] = type;
        return Ip(src, dst, src.IsV4 ? (byte)1 : (byte)58, ttl, icmp);
    }

    /// <summary>An IPv4 (20-byte header) or IPv6 (40-byte header) packet of <paramref name="protocol"/> around <paramref name="payload"/>.</summary>
    private static byte[] Ip(NetAddress src, NetAddress dst, byte protocol, byte ttl, byte[] payload)
    {
        if (src.IsV4)
        {
            var ip = new byte[20 + payload.Length];
            ip[0] = 0x45;
            BinaryPrimitives.WriteUInt16BigEndian(ip.AsSpan(2), (ushort)ip.Length);
            ip[8] = ttl;
            ip[9] = protocol;
            BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(12), src.V4);
            BinaryPrimitives.WriteUInt32BigEndian(ip.AsSpan(16), dst.V4);
            payload.CopyTo(ip, 20);
            return ip;
        }
        var ip6 = new byte[40 + payload.Length];
        ip6[0] = 0x60;
        BinaryPrimitives.WriteUInt16BigEndian(ip6.AsSpan(4), (ushort)payload.Length);
        ip6[6] = protocol;
        ip6[7] = ttl;
        src.WriteBytes(ip6.AsSpan(8));
        dst.WriteBytes(ip6.AsSpan(24));
        payload.CopyTo(ip6, 40);
        return ip6;
    }

    /// <summary>Wraps an IP packet in Ethernet, with 802.1Q/802.1ad tags when given (outermost first).</summary>
    public static byte[] Ethernet(byte[] ip, params ushort[] tagTypes)
    {
        var frame = new byte[14 + tagTypes.Length * 4 + ip.Length];
        int at = 12;
        foreach (var t in tagTypes)
        {
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), t);
            BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at + 2), 100); // VLAN id 100
            at += 4;
        }
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(at), (ip[0] >> 4) == 6 ? (ushort)0x86DD : (ushort)0x0800);
        ip.CopyTo(frame, at + 2);
        return frame;
    }

    public static byte[] EtherType(ushort type, int payload = 46)
    {
        var frame = new byte[14 + payload];
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(12), type);
        return frame;
    }

    /// <summary>TCP options: MSS, SACK permitted, timestamps, NOP, window scale (what Linux puts on a SYN).</summary>
    public static byte[] SynOptions(byte scale, ushort mss = 1460, uint tsval = 12345) =>
    [
        2, 4, (byte)(mss >> 8), (byte)mss, 4, 2, 8, 10,
        (byte)(tsval >> 24), (byte)(tsval >> 16), (byte)(tsval >> 8), (byte)tsval, 0, 0, 0, 0,
        1, 3, 3, scale,
    ];

    /// <summary>A classic pcap file; <paramref name="nanos"/> picks the magic, <paramref name="bigEndian"/> the byte order.</summary>
    public static byte[] Pcap(ushort linkType, IEnumerable<(long Seconds, uint Fraction, byte[] Data, int Original)> packets, bool nanos = false, bool bigEndian = false)
    {
        var w = new Writer(bigEndian);
        w.U32(nanos ? 0xA1B23C4D : 0xA1B2C3D4);
        w.U16(2);
        w.U16(4);
        w.U32(0);
        w.U32(0);
        w.U32(65535);
        w.U32(linkType);
        foreach (var (s, f, data, original) in packets)
        {
            w.U32((uint)s);
            w.U32(f);
            w.U32((uint)data.Length);
            w.U32((uint)original);
            w.Bytes(data);
        }
        return w.ToArray();
    }

    /// <summary>Little helper writing pcapng blocks.</summary>
    public sealed class PcapNg(bool bigEndian = false)
    {
        private readonly Writer _w = new(bigEndian);

        public PcapNg Section()
        {
            Block(0x0A0D0D0A, b =>
            {
                b.U32(0x1A2B3C4D);
                b.U16(1);
                b.U16(0);
                b.U32(0xFFFFFFFF);
                b.U32(0xFFFFFFFF);
            });
            return this;
        }

        public PcapNg Interface(ushort linkType, byte? tsresol = null, uint snaplen = 0)
        {
            Block(1, b =>
            {
                b.U16(linkType);
                b.U16(0);
                b.U32(snaplen);
                if (tsresol is { } r)
                {
                    b.U16(9);
                    b.U16(1);
                    b.Bytes([r, 0, 0, 0]);
                    b.U32(0); // opt_endofopt
                }
            });
            return this;
        }

        public PcapNg Enhanced(uint iface, ulong ts, byte[] data, int original)
        {
            Block(6, b =>
            {
                b.U32(iface);
                b.U32((uint)(ts >> 32));
                b.U32((uint)ts);
                b.U32((uint)data.Length);
                b.U32((uint)original);
                b.Padded(data);
            });
            return this;
        }

        public PcapNg Simple(byte[] data)
        {
            Block(3, b =>
            {
                b.U32((uint)data.Length);
                b.Padded(data);
            });
            return this;
        }

        public PcapNg Other(uint type, int bodyLength)
        {
            Block(type, b => b.Bytes(new byte[bodyLength]));
            return this;
        }

        public byte[] ToArray() => _w.ToArray();

        private void Block(uint type, Action<Writer> body)
        {
            var b = new Writer(_w.BigEndian);
            body(b);
            var bytes = b.ToArray();
            uint total = (uint)(12 + bytes.Length);
            _w.U32(type);
            _w.U32(total);
            _w.Bytes(bytes);
            _w.U32(total);
        }
    }

    internal sealed class Writer(bool bigEndian)
    {
        private readonly MemoryStream _s = new();

        public bool BigEndian => bigEndian;

        public void U16(ushort v)
        {
            Span<byte> b = stackalloc byte[2];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt16BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt16LittleEndian(b, v);
            }
            _s.Write(b);
        }

        public void U32(uint v)
        {
            Span<byte> b = stackalloc byte[4];
            if (bigEndian)
            {
                BinaryPrimitives.WriteUInt32BigEndian(b, v);
            }
            else
            {
                BinaryPrimitives.WriteUInt32LittleEndian(b, v);
            }
            _s.Write(b);
        }

        public void Bytes(byte[] data) => _s.Write(data);

        public void Padded(byte[] data)
        {
            _s.Write(data);
            _s.Write(new byte[(4 - data.Length % 4) % 4]);
        }

        public byte[] ToArray() => _s.ToArray();
    }
}
