using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// iptables/ip6tables <c>LOG</c> and nftables <c>log</c> lines: <c>&lt;prefix&gt;IN=eth0 OUT= MAC=… SRC=… DST=… LEN=…
/// … PROTO=TCP SPT=… DPT=… WINDOW=… RES=0x00 SYN URGP=0</c>. Fields are read by name; the
/// bracketed quoted packet of ICMP errors is not the logged packet and is skipped.
/// </summary>
public static partial class FirewallLogMessage
{
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
        ReadOnlySpan<byte> inIf = default;
        bool sawOut = false;
        while (!s.IsEmpty)
        {
            // One scalar pass finds the token's end and its '=': tokens are a few bytes long, and two vectorised
            // searches per token (some twenty tokens a line) cost more than reading them byte by byte.
            int sp = 0, eq = -1;
            for (; sp < s.Length; sp++)
            {
                byte b = s[sp];
                if (b == (byte)' ')
                {
                    break;
                }
                if (b == (byte)'=' && eq < 0)
                {
                    eq = sp;
                }
            }
            var token = s[..sp];
            s = sp < s.Length ? s[(sp + 1)..] : default;
            if (token.IsEmpty)
            {
                continue;
            }
            if (eq < 0)
            {
                flags |= FlagOf(token);
                continue;
            }
            var key = token[..eq];
            var value = token[(eq + 1)..];
            switch (key.Length)
            {
                case 2 when key.SequenceEqual("IN"u8):
                    inIf = value;
                    break;
                case 3 when key.SequenceEqual("OUT"u8):
                    sawOut = true;
                    break;
                case 3 when key.SequenceEqual("SRC"u8):
                    if (!NetAddress.TryParse(value, out src))
                    {
                        return false;
                    }
                    break;
                case 3 when key.SequenceEqual("DST"u8):
                    if (!NetAddress.TryParse(value, out dst))
                    {
                        return false;
                    }
                    break;
                case 3 when key.SequenceEqual("SPT"u8):
                    AsciiNumber.TryParseUInt16(value, out spt);
                    break;
                case 3 when key.SequenceEqual("DPT"u8):
                    AsciiNumber.TryParseUInt16(value, out dpt);
                    break;
                case 3 when key.SequenceEqual("LEN"u8) && len == 0:
                    // The first LEN is the IP length; UDP repeats LEN= for its own header.
                    AsciiNumber.TryParseInt32(value, out len);
                    break;
                case 5 when key.SequenceEqual("PROTO"u8):
                    proto = ProtocolOf(value);
                    break;
            }
        }
        if (!sawOut || src.IsNone)
        {
            return false;
        }
        var prefix = Tokens.Trim(message[..anchor]);
        ev = new NetEvent
        {
            Kind = EventKind.FirewallLog,
            Peer = src,
            PeerPort = spt,
            Local = dst,
            LocalPort = dpt,
            Length = len,
            Protocol = proto,
            TcpFlags = flags,
            Interface = inIf.IsEmpty ? null : pool.Get(inIf),
            Prefix = prefix.IsEmpty ? null : pool.Get(prefix),
            UptimeMicros = -1,
        };
        return true;
    }

    private static TcpFlags FlagOf(ReadOnlySpan<byte> token) => token.Length switch
    {
        3 when token.SequenceEqual("SYN"u8) => TcpFlags.Syn,
        3 when token.SequenceEqual("ACK"u8) => TcpFlags.Ack,
        3 when token.SequenceEqual("FIN"u8) => TcpFlags.Fin,
        3 when token.SequenceEqual("RST"u8) => TcpFlags.Rst,
        3 when token.SequenceEqual("PSH"u8) => TcpFlags.Psh,
        3 when token.SequenceEqual("URG"u8) => TcpFlags.Urg,
        3 when token.SequenceEqual("ECE"u8) => TcpFlags.Ece,
        3 when token.SequenceEqual("CWR"u8) => TcpFlags.Cwr,
        _ => TcpFlags.None,
    };

    private static byte ProtocolOf(ReadOnlySpan<byte> value)
    {
        if (value.SequenceEqual("TCP"u8))
        {
            return 6;
        }
        if (value.SequenceEqual("UDP"u8) || value.SequenceEqual("UDPLITE"u8))
        {
            return 17;
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
