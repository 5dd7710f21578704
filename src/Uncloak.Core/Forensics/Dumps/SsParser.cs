using Uncloak.Core.Events;
using Uncloak.Core.Sockets;
using Uncloak.Core.Text;
using static Uncloak.Core.Forensics.Dumps.DumpText;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// <c>ss -tinoe</c> / <c>ss -tiepm</c> output (iproute2 <c>misc/ss.c</c>): a socket line (<c>[Netid] State Recv-Q Send-Q
/// Local Peer</c> then <c>timer:(on,200ms,0)</c>, <c>uid:</c>, <c>ino:</c>, <c>sk:</c>, <c>users:((…))</c>), then a
/// tab-indented line of tcp_info as <c>tcp_stats_print</c> writes it (<c>rto:204 rtt:0.186/0.057 cwnd:10 unacked:3
/// retrans:0/5 lastsnd:4 snd_wnd:0 …</c>). Values go back into the units of <see cref="TcpInfo"/> (µs for rto and rtt,
/// ms for the last* ages). ss omits zero fields, so an absent <c>snd_wnd</c> reads as "not known", not as 0.
/// </summary>
internal sealed class SsParser(DumpEvidence into) : DumpParser(into)
{
    private bool _lastIsTcp;

    public override DumpKind Kind => DumpKind.Ss;

    /// <summary>The header line ss prints first (<c>State Recv-Q …</c> or <c>Netid State Recv-Q …</c>).</summary>
    public static bool IsHeader(ReadOnlySpan<byte> line)
        => (line.StartsWith("State"u8) || line.StartsWith("Netid"u8)) && line.IndexOf("Recv-Q"u8) > 0;

    /// <summary>A socket line without the header before it (a paste that cut the header off).</summary>
    public static bool IsSocketLine(ReadOnlySpan<byte> line)
    {
        var rest = line;
        if (!TryNextToken(ref rest, out var first))
        {
            return false;
        }
        if (first.SequenceEqual("tcp"u8) && !TryNextToken(ref rest, out first))
        {
            return false;
        }
        return TryState(first, out _) && TryNextToken(ref rest, out var rq) && AsciiNumber.TryParseUInt32(rq, out _);
    }

    public override DumpLine Feed(ReadOnlySpan<byte> line)
    {
        if (IsHeader(line))
        {
            return DumpLine.Taken;
        }
        if (line.Length > 0 && line[0] == '\t')
        {
            return _lastIsTcp && Into.Sockets.Count > 0 && Into.SocketsOverCap == 0 ? ReadInfo(line) : DumpLine.Taken;
        }
        if (IsIndented(line))
        {
            return DumpLine.NotMine;
        }
        var rest = line;
        if (!TryNextToken(ref rest, out var first))
        {
            return DumpLine.NotMine;
        }
        // With several protocols (ss -a), a Netid column comes first; only TCP sockets are kept.
        bool tcp = true;
        if (!TryState(first, out _))
        {
            tcp = first.SequenceEqual("tcp"u8);
            if (!TryNextToken(ref rest, out first))
            {
                return DumpLine.NotMine;
            }
        }
        if (!TryState(first, out var state))
        {
            return DumpLine.NotMine;
        }
        _lastIsTcp = false;
        if (!TryNextToken(ref rest, out var rq) || !AsciiNumber.TryParseUInt32(rq, out uint recvQ)
            || !TryNextToken(ref rest, out var sq) || !AsciiNumber.TryParseUInt32(sq, out uint sendQ)
            || !TryNextToken(ref rest, out var local) || !TryEndpoint(local, out var localAddress, out ushort localPort)
            || !TryNextToken(ref rest, out var peer) || !TryEndpoint(peer, out var peerAddress, out ushort peerPort))
        {
            return DumpLine.Malformed;
        }
        if (!tcp)
        {
            return DumpLine.Taken;
        }
        var record = new SocketRecord
        {
            Id = new SocketId
            {
                Family = (byte)(localAddress.IsV6 ? 10 : 2),
                Local = localAddress,
                LocalPort = localPort,
                Remote = peerAddress,
                RemotePort = peerPort,
                Cookie = SocketId.NoCookie,
            },
            State = state,
            RQueue = recvQ,
            WQueue = sendQ,
        };
        while (TryNextToken(ref rest, out var token))
        {
            if (Tokens.TrySkip(ref token, "timer:("u8))
            {
                if (!TryTimer(token, ref record))
                {
                    return DumpLine.Malformed;
                }
            }
            else if (Tokens.TrySkip(ref token, "uid:"u8) && AsciiNumber.TryParseUInt32(token, out uint uid))
            {
                record = record with { Uid = uid };
            }
            else if (Tokens.TrySkip(ref token, "ino:"u8) && AsciiNumber.TryParseUInt32(token, out uint ino))
            {
                record = record with { Inode = ino };
            }
        }
        if (Into.Sockets.Count >= DumpEvidence.MaxSockets)
        {
            Into.SocketsOverCap++;
            return DumpLine.Taken;
        }
        Into.Sockets.Add(record);
        _lastIsTcp = true;
        return DumpLine.Taken;
    }

    private DumpLine ReadInfo(ReadOnlySpan<byte> line)
    {
        var record = Into.Sockets[^1];
        var info = new TcpInfo { State = record.State, Length = TcpInfo.OffsetSndWnd };
        bool any = false;
        var rest = line;
        while (TryNextToken(ref rest, out var token))
        {
            int colon = token.IndexOf((byte)':');
            if (colon <= 0)
            {
                continue; // flags (ts sack ecn app_limited), the congestion control name, "send"/"pacing_rate" words
            }
            var key = token[..colon];
            var value = token[(colon + 1)..];
            if (!TryInfoField(key, value, ref info))
            {
                return DumpLine.Malformed;
            }
            any = true;
        }
        if (any)
        {
            Into.Sockets[^1] = record with { Info = info };
        }
        return DumpLine.Taken;
    }

    private static bool TryInfoField(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ref TcpInfo info)
    {
        switch (key)
        {
            case var k when k.SequenceEqual("rto"u8):
                return TryMicros(value, out uint rto) && Set(ref info, info with { Rto = rto });
            case var k when k.SequenceEqual("rtt"u8):
                {
                    int slash = value.IndexOf((byte)'/');
                    return slash > 0 && TryMicros(value[..slash], out uint rtt) && TryMicros(value[(slash + 1)..], out uint var)
                        && Set(ref info, info with { Rtt = rtt, RttVar = var });
                }
            case var k when k.SequenceEqual("backoff"u8):
                return AsciiNumber.TryParseUInt32(value, out uint b) && Set(ref info, info with { Backoff = (byte)Math.Min(b, 255) });
            case var k when k.SequenceEqual("mss"u8):
                return AsciiNumber.TryParseUInt32(value, out uint mss) && Set(ref info, info with { SndMss = mss });
            case var k when k.SequenceEqual("rcvmss"u8):
                return AsciiNumber.TryParseUInt32(value, out uint rmss) && Set(ref info, info with { RcvMss = rmss });
            case var k when k.SequenceEqual("cwnd"u8):
                return AsciiNumber.TryParseUInt32(value, out uint cwnd) && Set(ref info, info with { SndCwnd = cwnd });
            case var k when k.SequenceEqual("unacked"u8):
                return AsciiNumber.TryParseUInt32(value, out uint u) && Set(ref info, info with { Unacked = u });
            case var k when k.SequenceEqual("retrans"u8):
                {
                    int slash = value.IndexOf((byte)'/');
                    return slash > 0 && AsciiNumber.TryParseUInt32(value[..slash], out uint now) && AsciiNumber.TryParseUInt32(value[(slash + 1)..], out uint total)
                        && Set(ref info, info with { Retransmits = (byte)Math.Min(now, 255), Retrans = now, TotalRetrans = total });
                }
            case var k when k.SequenceEqual("lost"u8):
                return AsciiNumber.TryParseUInt32(value, out uint lost) && Set(ref info, info with { Lost = lost });
            case var k when k.SequenceEqual("lastsnd"u8):
                return AsciiNumber.TryParseUInt32(value, out uint ls) && Set(ref info, info with { LastDataSent = ls });
            case var k when k.SequenceEqual("lastrcv"u8):
                return AsciiNumber.TryParseUInt32(value, out uint lr) && Set(ref info, info with { LastDataRecv = lr });
            case var k when k.SequenceEqual("lastack"u8):
                return AsciiNumber.TryParseUInt32(value, out uint la) && Set(ref info, info with { LastAckRecv = la });
            case var k when k.SequenceEqual("snd_wnd"u8):
                return AsciiNumber.TryParseUInt32(value, out uint sw) && Set(ref info, info with { SndWnd = sw, Length = Math.Max(info.Length, TcpInfo.OffsetSndWnd + 4) });
            case var k when k.SequenceEqual("rcv_wnd"u8):
                return AsciiNumber.TryParseUInt32(value, out uint rw) && Set(ref info, info with { RcvWnd = rw, Length = TcpInfo.KnownSize });
            case var k when k.SequenceEqual("notsent"u8):
                return AsciiNumber.TryParseUInt32(value, out uint ns) && Set(ref info, info with { NotsentBytes = ns });
            case var k when k.SequenceEqual("bytes_sent"u8):
                return AsciiNumber.TryParseUInt64(value, out ulong bs) && Set(ref info, info with { BytesSent = bs });
            case var k when k.SequenceEqual("bytes_retrans"u8):
                return AsciiNumber.TryParseUInt64(value, out ulong br) && Set(ref info, info with { BytesRetrans = br });
            case var k when k.SequenceEqual("bytes_acked"u8):
                return AsciiNumber.TryParseUInt64(value, out ulong ba) && Set(ref info, info with { BytesAcked = ba });
            case var k when k.SequenceEqual("bytes_received"u8):
                return AsciiNumber.TryParseUInt64(value, out ulong bre) && Set(ref info, info with { BytesReceived = bre });
            case var k when k.SequenceEqual("segs_out"u8):
                return AsciiNumber.TryParseUInt32(value, out uint so) && Set(ref info, info with { SegsOut = so });
            case var k when k.SequenceEqual("segs_in"u8):
                return AsciiNumber.TryParseUInt32(value, out uint si) && Set(ref info, info with { SegsIn = si });
            default:
                // Fields the rules do not read (wscale, ato, pmtu, skmem:(…), bbr:(…), busy:8ms…) are skipped whatever their shape.
                return true;
        }
    }

    private static bool Set(ref TcpInfo info, TcpInfo value)
    {
        info = value;
        return true;
    }

    /// <summary>ss prints rto and rtt in ms with %g (<c>204</c>, <c>0.186</c>); tcp_info holds µs.</summary>
    private static bool TryMicros(ReadOnlySpan<byte> text, out uint micros)
    {
        micros = 0;
        if (!TryDouble(text, out double ms) || ms < 0 || ms > uint.MaxValue / 1000.0)
        {
            return false;
        }
        micros = (uint)Math.Round(ms * 1000);
        return true;
    }

    /// <summary><c>on,200ms,0)</c>: the timer's name, when it fires (<c>print_ms_timer</c>: 1min29sec, 1.500sec, 29sec, 050ms, or empty) and its retries.</summary>
    private static bool TryTimer(ReadOnlySpan<byte> text, ref SocketRecord record)
    {
        if (!Tokens.TryTakeUntil(ref text, (byte)',', out var name) || !Tokens.TryTakeUntil(ref text, (byte)',', out var when))
        {
            return false;
        }
        if (text.EndsWith(")"u8))
        {
            text = text[..^1];
        }
        if (!AsciiNumber.TryParseUInt32(text, out uint retries) || !TryTimerMillis(when, out uint millis))
        {
            return false;
        }
        var timer = name switch
        {
            var n when n.SequenceEqual("on"u8) => SocketTimer.Retransmit,
            var n when n.SequenceEqual("keepalive"u8) => SocketTimer.Keepalive,
            var n when n.SequenceEqual("timewait"u8) => SocketTimer.TimeWait,
            var n when n.SequenceEqual("persist"u8) => SocketTimer.Persist,
            _ => SocketTimer.None,
        };
        record = record with { Timer = timer, ExpiresMillis = millis, TimerRetries = (byte)Math.Min(retries, 255) };
        return true;
    }

    internal static bool TryTimerMillis(ReadOnlySpan<byte> text, out uint millis)
    {
        millis = 0;
        ulong total = 0;
        if (text.IsEmpty)
        {
            return true;
        }
        int min = text.IndexOf("min"u8);
        if (min >= 0)
        {
            if (!AsciiNumber.TryParseUInt32(text[..min], out uint minutes))
            {
                return false;
            }
            total += minutes * 60_000UL;
            text = text[(min + 3)..];
        }
        if (text.EndsWith("ms"u8))
        {
            if (!AsciiNumber.TryParseUInt32(text[..^2], out uint ms))
            {
                return false;
            }
            total += ms;
        }
        else if (text.EndsWith("sec"u8))
        {
            var secs = text[..^3];
            int dot = secs.IndexOf((byte)'.');
            if (!AsciiNumber.TryParseUInt32(dot < 0 ? secs : secs[..dot], out uint s))
            {
                return false;
            }
            total += s * 1000UL;
            if (dot >= 0)
            {
                if (!AsciiNumber.TryParseUInt32(secs[(dot + 1)..], out uint frac))
                {
                    return false;
                }
                total += frac;
            }
        }
        else if (!text.IsEmpty)
        {
            return false;
        }
        millis = (uint)Math.Min(total, uint.MaxValue);
        return true;
    }

    /// <summary><c>192.0.2.1:443</c>, <c>[2001:db8::1]:443</c>, <c>[::ffff:192.0.2.1]:80</c>, <c>127.0.0.53%lo:53</c>, <c>*:80</c>, <c>0.0.0.0:*</c>, <c>*:*</c>.</summary>
    internal static bool TryEndpoint(ReadOnlySpan<byte> text, out NetAddress address, out ushort port)
    {
        address = default;
        port = 0;
        int colon = text.LastIndexOf((byte)':');
        if (colon <= 0)
        {
            return false;
        }
        var portText = text[(colon + 1)..];
        if (!portText.SequenceEqual("*"u8) && !AsciiNumber.TryParseUInt16(portText, out port) && !TryService(portText, out port))
        {
            return false;
        }
        var host = text[..colon];
        if (host.Length >= 2 && host[0] == '[' && host[^1] == ']')
        {
            host = host[1..^1];
        }
        int scope = host.IndexOf((byte)'%');
        if (scope >= 0)
        {
            host = host[..scope];
        }
        if (host.SequenceEqual("*"u8))
        {
            address = NetAddress.None;
            return true;
        }
        return NetAddress.TryParse(host, out address);
    }

    /// <summary>
    /// Without -n, ss prints ports by their /etc/services names. The ones a server's evidence is about are mapped; any
    /// other name is a port ss knew and we do not, read as 0 rather than as a malformed line.
    /// </summary>
    private static bool TryService(ReadOnlySpan<byte> name, out ushort port)
    {
        port = name switch
        {
            var n when n.SequenceEqual("http"u8) => 80,
            var n when n.SequenceEqual("https"u8) => 443,
            var n when n.SequenceEqual("ssh"u8) => 22,
            var n when n.SequenceEqual("smtp"u8) => 25,
            var n when n.SequenceEqual("domain"u8) => 53,
            var n when n.SequenceEqual("submission"u8) => 587,
            var n when n.SequenceEqual("imaps"u8) => 993,
            var n when n.SequenceEqual("mysql"u8) => 3306,
            var n when n.SequenceEqual("postgresql"u8) => 5432,
            var n when n.SequenceEqual("http-alt"u8) => 8080,
            _ => 0,
        };
        foreach (byte b in name)
        {
            if (!(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.'))
            {
                return false;
            }
        }
        return name.Length > 0 && char.IsAsciiLetter((char)name[0]);
    }

    internal static bool TryState(ReadOnlySpan<byte> text, out TcpState state)
    {
        state = text switch
        {
            var s when s.SequenceEqual("ESTAB"u8) => TcpState.Established,
            var s when s.SequenceEqual("SYN-SENT"u8) => TcpState.SynSent,
            var s when s.SequenceEqual("SYN-RECV"u8) => TcpState.SynRecv,
            var s when s.SequenceEqual("FIN-WAIT-1"u8) => TcpState.FinWait1,
            var s when s.SequenceEqual("FIN-WAIT-2"u8) => TcpState.FinWait2,
            var s when s.SequenceEqual("TIME-WAIT"u8) => TcpState.TimeWait,
            var s when s.SequenceEqual("UNCONN"u8) => TcpState.Close,
            var s when s.SequenceEqual("CLOSE-WAIT"u8) => TcpState.CloseWait,
            var s when s.SequenceEqual("LAST-ACK"u8) => TcpState.LastAck,
            var s when s.SequenceEqual("LISTEN"u8) => TcpState.Listen,
            var s when s.SequenceEqual("CLOSING"u8) => TcpState.Closing,
            _ => TcpState.Unknown,
        };
        return state != TcpState.Unknown;
    }
}
