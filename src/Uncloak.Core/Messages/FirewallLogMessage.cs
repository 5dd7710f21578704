using System.Buffers.Binary;
using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// iptables/ip6tables <c>LOG</c> and nftables <c>log</c> lines: <c>&lt;prefix&gt;IN=eth0 OUT= MAC=… SRC=… DST=… LEN=…
/// … PROTO=TCP SPT=… DPT=… WINDOW=… RES=0x00 SYN URGP=0</c>. Fields are read by name; the
/// bracketed quoted packet of ICMP errors is not the logged packet and is skipped. IPv4, IPv6 (<c>TC= HOPLIMIT=
/// FLOWLBL=</c>), ICMP/ICMPv6 (<c>TYPE= CODE=</c>), bridged (<c>PHYSIN= PHYSOUT=</c>), nftables' <c>MACSRC= MACDST=
/// MACPROTO=</c> and ARP (<c>ARP HTYPE= … IPSRC= IPDST=</c>) lines, ebtables' own <c>ebt_log</c> format (<c>IN=br0 OUT= MAC
/// source = … proto = 0x0800 IP SRC=… IP DST=…, IP tos=0x00, IP proto=6 SPT=… DPT=…</c>, its IPv6 <c>IP nexthdr=</c> and
/// ARP <c>ARP MAC SRC=… ARP IP SRC=… ARP MAC DST=… ARP IP DST=…</c>); outgoing packets (<c>IN= OUT=eth0</c>) have this host
/// as their source, so their peer is the destination.
/// </summary>
public static partial class FirewallLogMessage
{
    /// <summary>Form values: the hook the packet was logged at (from IN=/OUT=), or an ARP packet (nf_log_arp).</summary>
    public const byte Input = 0;
    public const byte Output = 1;
    public const byte Forward = 2;
    public const byte Arp = 3;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
    {
        ev = default;
        // The anchor is "IN="; it must start a field (prefix end or a space before it) and OUT= must follow.
        var s = message[anchor..];
        int bracket = s.IndexOf((byte)'[');
        if (bracket >= 0)
        {
            s = s[..bracket];
        }
        NetAddress src = default, dst = default;
        ushort spt = 0, dpt = 0;
        int len = 0;
        byte proto = 0;
        var flags = TcpFlags.None;
        ReadOnlySpan<byte> inIf = default, outIf = default, physIn = default, physOut = default;
        bool sawOut = false, arp = false, macNext = false;
        // Spaces and '=' marked sixteen bytes at a time before the tokens are read: some twenty tokens a line, and
        // finding each one's end and '=' byte by byte (or by two vectorised searches per token) was most of this
        // parser's time. The classifier passes at most MessageClassifier.MaxMessageLength bytes: 64 words each.
        int words = ByteMarks.WordsFor(s.Length);
        Span<ulong> marks = words <= 64 ? stackalloc ulong[2 * words] : new ulong[2 * words];
        var spaces = marks[..words];
        var equals = marks[words..];
        ByteMarks.Mark(s, (byte)' ', spaces);
        ByteMarks.Mark(s, (byte)'=', equals);
        for (int pos = 0; pos < s.Length;)
        {
            int sp = ByteMarks.Next(spaces, pos, s.Length);
            int eqAt = ByteMarks.Next(equals, pos, sp);
            int eq = eqAt < sp ? eqAt - pos : -1;
            int start = pos;
            var token = s[pos..sp];
            pos = sp + 1;
            if (token.IsEmpty)
            {
                continue;
            }
            if (eq < 0)
            {
                ulong word = Key(s, start, token.Length);
                // ebtables' ebt_log names Ethernet addresses "MAC SRC=" / "MAC DST=" in an ARP packet ("ARP MAC SRC=…
                // ARP IP SRC=…"): the value after "MAC" is no IP address.
                macNext = word == KeyMac;
                arp |= word == KeyArp;
                flags |= FlagOf(word);
                continue;
            }
            bool mac = macNext;
            macNext = false;
            var value = token[(eq + 1)..];
            // Keys compared as little-endian integers: some twenty tokens a line, millions of lines.
            switch (Key(s, start, eq))
            {
                case KeyIn:
                    inIf = value;
                    break;
                case KeyOut:
                    sawOut = true;
                    outIf = value;
                    break;
                case KeySrc:
                case KeyIpSrc:
                    if (mac)
                    {
                        break;
                    }
                    // nf_log_arp names the ARP sender and target IPSRC= and IPDST= ("ARP HTYPE=1 PTYPE=0x0800 OPCODE=1
                    // MACSRC=… IPSRC=… MACDST=… IPDST=…").
                    arp |= token[0] == (byte)'I';
                    if (!NetAddress.TryParse(value, out src))
                    {
                        return false;
                    }
                    break;
                case KeyDst:
                case KeyIpDst:
                    if (mac)
                    {
                        break;
                    }
                    if (!value.IsEmpty && value[^1] == (byte)',')
                    {
                        value = value[..^1]; // ebt_log: "IP SRC=… IP DST=198.51.100.10, IP tos=0x00, IP proto=6"
                    }
                    if (!NetAddress.TryParse(value, out dst))
                    {
                        return false;
                    }
                    break;
                case KeyPhysIn:
                    physIn = value;
                    break;
                case KeyPhysOut:
                    physOut = value;
                    break;
                case KeySpt:
                    _ = AsciiNumber.TryParseUInt16(value, out spt); // a garbled port stays 0: the line still counts
                    break;
                case KeyDpt:
                    _ = AsciiNumber.TryParseUInt16(value, out dpt);
                    break;
                case KeyLen when len == 0:
                    // The first LEN is the IP length; UDP repeats LEN= for its own header.
                    _ = AsciiNumber.TryParseInt32(value, out len);
                    break;
                case KeyProto:
                case KeyEbtProto:
                case KeyEbtNextHeader:
                    proto = ProtocolOf(value);
                    break;
            }
        }
        var prefix = Tokens.Trim(message[..anchor]);
        // The kernel always prints OUT=; pvefw-logger (Proxmox VE) leaves it out when the packet has no output device.
        bool proxmox = ProxmoxFirewallHeader.TrySplit(prefix, out var chain, out var rule);
        if ((!sawOut && !proxmox) || src.IsNone)
        {
            return false;
        }
        // Who is the peer depends on the hook: a packet leaving (IN= empty, OUT= set) was sent BY this host, so the
        // remote end is its destination. A bridge names the physical port too (PHYSIN=/PHYSOUT=): that is where the
        // peer is, so it is the interface reported.
        byte form = arp ? Arp : inIf.IsEmpty && !outIf.IsEmpty ? Output : !inIf.IsEmpty && !outIf.IsEmpty ? Forward : Input;
        bool outbound = form == Output;
        var ifname = outbound ? (physOut.IsEmpty ? outIf : physOut) : (physIn.IsEmpty ? inIf : physIn);
        ev = new NetEvent
        {
            Kind = EventKind.FirewallLog,
            Form = form,
            Peer = outbound ? dst : src,
            PeerPort = outbound ? dpt : spt,
            Local = outbound ? src : dst,
            LocalPort = outbound ? spt : dpt,
            Length = len,
            Protocol = proto,
            TcpFlags = flags,
            Interface = ifname.IsEmpty ? null : pool.Get(ifname),
            Prefix = proxmox ? RulePrefix(chain, rule, pool) : prefix.IsEmpty ? null : pool.Get(prefix),
            UptimeMicros = -1,
        };
        return true;
    }

    /// <summary>pvefw-logger's rule as "CHAIN PREFIX" ("tap101i0-IN ACCEPT:"), without the logger's clock.</summary>
    private static string? RulePrefix(ReadOnlySpan<byte> chain, ReadOnlySpan<byte> rule, StringPool pool)
    {
        if (rule.IsEmpty || chain.IsEmpty)
        {
            return rule.IsEmpty && chain.IsEmpty ? null : pool.Get(rule.IsEmpty ? chain : rule);
        }
        int length = chain.Length + 1 + rule.Length;
        if (length > 256)
        {
            return pool.Get(rule); // NFLOG prefixes are at most 64 bytes: only a malformed line gets here
        }
        Span<byte> both = stackalloc byte[length];
        chain.CopyTo(both);
        both[chain.Length] = (byte)' ';
        rule.CopyTo(both[(chain.Length + 1)..]);
        return pool.Get(both);
    }

    private static TcpFlags FlagOf(ulong word) => word switch
    {
        Three | 0x4E5953 => TcpFlags.Syn, // "SYN", little-endian
        Three | 0x4B4341 => TcpFlags.Ack,
        Three | 0x4E4946 => TcpFlags.Fin,
        Three | 0x545352 => TcpFlags.Rst,
        Three | 0x485350 => TcpFlags.Psh,
        Three | 0x475255 => TcpFlags.Urg,
        Three | 0x454345 => TcpFlags.Ece,
        Three | 0x525743 => TcpFlags.Cwr,
        _ => TcpFlags.None,
    };

    private const ulong Three = 3UL << 56;
    private const ulong KeyIn = (2UL << 56) | 0x4E49;         // "IN"
    private const ulong KeyOut = Three | 0x54554F;            // "OUT"
    private const ulong KeySrc = Three | 0x435253;            // "SRC"
    private const ulong KeyDst = Three | 0x545344;            // "DST"
    private const ulong KeySpt = Three | 0x545053;            // "SPT"
    private const ulong KeyDpt = Three | 0x545044;            // "DPT"
    private const ulong KeyLen = Three | 0x4E454C;            // "LEN"
    private const ulong KeyProto = (5UL << 56) | 0x4F544F5250; // "PROTO"
    private const ulong KeyIpSrc = 0x500004352535049;         // "IPSRC"
    private const ulong KeyIpDst = 0x500005453445049;         // "IPDST"
    private const ulong KeyPhysIn = 0x6004e4953594850;        // "PHYSIN"
    private const ulong KeyPhysOut = 0x754554f53594850;       // "PHYSOUT"
    private const ulong KeyEbtProto = 0x500006f746f7270;      // "proto" (ebt_log: "IP proto=6")
    private const ulong KeyEbtNextHeader = 0x77264687478656e; // "nexthdr" (ebt_log, IPv6: "IP nexthdr=58")
    private const ulong KeyMac = Three | 0x43414D;            // "MAC"
    private const ulong KeyArp = Three | 0x505241;            // "ARP"

    /// <summary>
    /// The <paramref name="length"/> bytes at <paramref name="start"/> of <paramref name="s"/>, up to seven, as a
    /// little-endian integer with the length in the top byte (so "IN" ≠ "IN\0"); longer: 0. Read as one 64-bit word
    /// and masked where the line goes on for eight bytes (it does but for its last token): some twenty a line.
    /// </summary>
    private static ulong Key(ReadOnlySpan<byte> s, int start, int length)
    {
        if (length is 0 or > 7)
        {
            return 0;
        }
        ulong k = (ulong)length << 56;
        if (start + sizeof(ulong) <= s.Length)
        {
            return k | (BinaryPrimitives.ReadUInt64LittleEndian(s[start..]) & ((1UL << (8 * length)) - 1));
        }
        for (int i = 0; i < length; i++)
        {
            k |= (ulong)s[start + i] << (8 * i);
        }
        return k;
    }

    private static byte ProtocolOf(ReadOnlySpan<byte> value)
    {
        if (value.SequenceEqual("TCP"u8))
        {
            return 6;
        }
        if (value.SequenceEqual("UDP"u8))
        {
            return 17;
        }
        if (value.SequenceEqual("UDPLITE"u8))
        {
            return 136;
        }
        if (value.SequenceEqual("ICMP"u8))
        {
            return 1;
        }
        if (value.SequenceEqual("ICMPv6"u8))
        {
            return 58;
        }
        if (value.SequenceEqual("SCTP"u8))
        {
            return 132;
        }
        if (value.SequenceEqual("ESP"u8))
        {
            return 50;
        }
        if (value.SequenceEqual("AH"u8))
        {
            return 51;
        }
        return AsciiNumber.TryParseUInt16(value, out ushort n) && n <= 255 ? (byte)n : (byte)0;
    }
}
