using System.Text;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// Writes a sock_diag socket table as <c>ss -tinoe</c> prints it (iproute2 <c>misc/ss.c</c>: the state line with
/// Recv-Q/Send-Q, endpoints, <c>timer:(on,1.200sec,5)</c>, <c>uid:</c>, <c>ino:</c>, then the tab-indented tcp_info line),
/// so a captured bundle is read by the same parser as a dump pasted into a ticket. Fields the parser does not read
/// (wscale, pacing rate…) are left out; every field it reads is written.
/// </summary>
public static class SsText
{
    /// <summary>The header line <c>ss</c> prints first.</summary>
    public const string Header = "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port";

    private static ReadOnlySpan<byte> HeaderLine => "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port\n"u8;

    /// <summary>The longest line <see cref="ToUtf8"/> writes: two bracketed IPv6 endpoints, the timer and ~25 numbers of at most 20 digits fit with room to spare.</summary>
    private const int MaxLineBytes = 1024;

    /// <summary>Writes at most <paramref name="maxSockets"/> sockets, listeners first (their queues matter most in an outage), and returns how many were left out.</summary>
    public static long Write(TextWriter output, IReadOnlyList<SocketRecord> sockets, int maxSockets)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Encoding.UTF8.GetString(ToUtf8(sockets, maxSockets, out long left)));
        return left;
    }

    /// <summary>
    /// The same text as UTF-8 in one array of the exact size, built straight from the records (no string per socket):
    /// a first pass measures the lines, so the ~30 MB of a 100,000-socket table is never held twice while a growing
    /// buffer is copied. <paramref name="left"/> is how many sockets were left out.
    /// </summary>
    public static byte[] ToUtf8(IReadOnlyList<SocketRecord> sockets, int maxSockets, out long left)
    {
        ArgumentNullException.ThrowIfNull(sockets);
        int kept = Math.Clamp(maxSockets, 0, sockets.Count);
        left = sockets.Count - kept;
        ReadOnlySpan<byte> header = HeaderLine;
        Span<byte> scratch = stackalloc byte[MaxLineBytes];
        long total = header.Length;
        foreach (int i in Order(sockets, kept))
        {
            var line = new Utf8Line(scratch);
            Append(ref line, sockets[i]);
            total += line.Length;
        }
        var bytes = GC.AllocateUninitializedArray<byte>(checked((int)total));
        header.CopyTo(bytes);
        int at = header.Length;
        foreach (int i in Order(sockets, kept))
        {
            var line = new Utf8Line(scratch);
            Append(ref line, sockets[i]);
            line.Written.CopyTo(bytes.AsSpan(at));
            at += line.Length;
        }
        return bytes;
    }

    /// <summary>The first <paramref name="count"/> sockets to write, listeners first; two passes instead of a sort, so a table of 100,000 sockets is not copied.</summary>
    private static IEnumerable<int> Order(IReadOnlyList<SocketRecord> sockets, int count)
    {
        int given = 0;
        foreach (bool listeners in (bool[])[true, false])
        {
            for (int i = 0; i < sockets.Count && given < count; i++)
            {
                if ((sockets[i].State == TcpState.Listen) == listeners)
                {
                    given++;
                    yield return i;
                }
            }
        }
    }

    /// <summary>The ss name of a state (<c>ESTAB</c>, <c>SYN-RECV</c>, <c>LISTEN</c>…).</summary>
    public static string StateName(TcpState state) => Encoding.ASCII.GetString(StateBytes(state));

    /// <summary><c>print_ms_timer</c>: <c>1min29sec</c>, <c>1.500sec</c>, <c>29sec</c>, <c>050ms</c>.</summary>
    public static string TimerText(uint millis)
    {
        var line = new Utf8Line(stackalloc byte[32]);
        AppendTimer(ref line, millis);
        return Encoding.ASCII.GetString(line.Written);
    }

    private static void AppendTimer(ref Utf8Line line, uint millis)
    {
        uint secs = millis / 1000, ms = millis % 1000, mins = secs / 60;
        secs %= 60;
        if (mins > 0)
        {
            line.Append(mins);
            line.Append("min"u8);
        }
        if (secs > 0 || (mins == 0 && ms == 0))
        {
            line.Append(secs);
            if (ms > 0)
            {
                line.Append((byte)'.');
                line.Append3(ms);
            }
            line.Append("sec"u8);
        }
        else if (ms > 0)
        {
            line.Append3(ms);
            line.Append("ms"u8);
        }
    }

    private static void Append(ref Utf8Line line, in SocketRecord s)
    {
        int field = line.Length;
        line.Append(StateBytes(s.State));
        line.PadRight(field, 10);
        line.Append((byte)' ');
        field = line.Length;
        line.Append(s.RQueue);
        line.PadRight(field, 6);
        line.Append((byte)' ');
        field = line.Length;
        line.Append(s.WQueue);
        line.PadRight(field, 6);
        line.Append((byte)' ');
        field = line.Length;
        AppendEndpoint(ref line, s.Id.Local, s.Id.LocalPort, false);
        line.PadLeft(field, 20);
        line.Append((byte)' ');
        field = line.Length;
        AppendEndpoint(ref line, s.Id.Remote, s.Id.RemotePort, s.State == TcpState.Listen);
        line.PadRight(field, 30);
        line.Append((byte)' ');
        if (s.Timer != SocketTimer.None)
        {
            line.Append("timer:("u8);
            line.Append(s.Timer switch
            {
                SocketTimer.Retransmit => "on"u8,
                SocketTimer.Keepalive => "keepalive"u8,
                SocketTimer.TimeWait => "timewait"u8,
                _ => "persist"u8,
            });
            line.Append((byte)',');
            AppendTimer(ref line, s.ExpiresMillis);
            line.Append((byte)',');
            line.Append((ulong)s.TimerRetries); // a number, not the byte itself
            line.Append(") "u8);
        }
        if (s.Uid != 0)
        {
            line.Append("uid:"u8);
            line.Append(s.Uid);
            line.Append((byte)' ');
        }
        line.Append("ino:"u8);
        line.Append(s.Inode);
        line.Append(" sk:"u8);
        line.AppendHex(s.Id.Cookie);
        if (!s.HasInfo)
        {
            line.Append((byte)'\n');
            return;
        }
        var i = s.Info;
        line.Append(" <->\n\t cubic rto:"u8);
        AppendMillis(ref line, i.Rto);
        line.Append(" rtt:"u8);
        AppendMillis(ref line, i.Rtt);
        line.Append((byte)'/');
        AppendMillis(ref line, i.RttVar);
        Field(ref line, " mss:"u8, i.SndMss);
        Field(ref line, " rcvmss:"u8, i.RcvMss);
        Field(ref line, " cwnd:"u8, i.SndCwnd);
        if (i.Backoff > 0)
        {
            Field(ref line, " backoff:"u8, i.Backoff);
        }
        Field(ref line, " bytes_sent:"u8, i.BytesSent);
        Field(ref line, " bytes_retrans:"u8, i.BytesRetrans);
        Field(ref line, " bytes_acked:"u8, i.BytesAcked);
        Field(ref line, " bytes_received:"u8, i.BytesReceived);
        Field(ref line, " segs_out:"u8, i.SegsOut);
        Field(ref line, " segs_in:"u8, i.SegsIn);
        Field(ref line, " lastsnd:"u8, i.LastDataSent);
        Field(ref line, " lastrcv:"u8, i.LastDataRecv);
        Field(ref line, " lastack:"u8, i.LastAckRecv);
        if (i.Unacked > 0)
        {
            Field(ref line, " unacked:"u8, i.Unacked);
        }
        if (i.Retrans > 0 || i.TotalRetrans > 0)
        {
            Field(ref line, " retrans:"u8, i.Retrans);
            line.Append((byte)'/');
            line.Append(i.TotalRetrans);
        }
        if (i.Lost > 0)
        {
            Field(ref line, " lost:"u8, i.Lost);
        }
        if (i.HasNotsentBytes && i.NotsentBytes > 0)
        {
            Field(ref line, " notsent:"u8, i.NotsentBytes);
        }
        if (i.HasSndWnd)
        {
            Field(ref line, " snd_wnd:"u8, i.SndWnd);
        }
        if (i.HasRcvWnd)
        {
            Field(ref line, " rcv_wnd:"u8, i.RcvWnd);
        }
        line.Append((byte)'\n');
    }

    private static void Field(ref Utf8Line line, ReadOnlySpan<byte> name, ulong value)
    {
        line.Append(name);
        line.Append(value);
    }

    private static ReadOnlySpan<byte> StateBytes(TcpState state) => state switch
    {
        TcpState.Established => "ESTAB"u8,
        TcpState.SynSent => "SYN-SENT"u8,
        TcpState.SynRecv or TcpState.NewSynRecv => "SYN-RECV"u8,
        TcpState.FinWait1 => "FIN-WAIT-1"u8,
        TcpState.FinWait2 => "FIN-WAIT-2"u8,
        TcpState.TimeWait => "TIME-WAIT"u8,
        TcpState.CloseWait => "CLOSE-WAIT"u8,
        TcpState.LastAck => "LAST-ACK"u8,
        TcpState.Listen => "LISTEN"u8,
        TcpState.Closing => "CLOSING"u8,
        _ => "UNCONN"u8,
    };

    /// <summary>tcp_info's µs as ss's %g milliseconds (<c>204</c>, <c>0.211</c>, <c>1.5</c>): exact, trailing zeros dropped.</summary>
    private static void AppendMillis(ref Utf8Line line, uint micros)
    {
        line.Append(micros / 1000);
        uint frac = micros % 1000;
        if (frac == 0)
        {
            return;
        }
        line.Append((byte)'.');
        if (frac % 100 == 0)
        {
            line.Append(frac / 100);
        }
        else if (frac % 10 == 0)
        {
            uint hundredths = frac / 10;
            if (hundredths < 10)
            {
                line.Append((byte)'0');
            }
            line.Append(hundredths);
        }
        else
        {
            line.Append3(frac);
        }
    }

    /// <summary><c>192.0.2.1:443</c>, <c>[2001:db8::1]:443</c>, <c>*:*</c> for a listener's peer.</summary>
    private static void AppendEndpoint(ref Utf8Line line, Events.NetAddress address, ushort port, bool anyPort)
    {
        if (address.IsNone)
        {
            line.Append((byte)'*');
        }
        else if (address.IsV4)
        {
            uint v4 = address.V4;
            line.Append(v4 >> 24);
            line.Append((byte)'.');
            line.Append((v4 >> 16) & 0xFF);
            line.Append((byte)'.');
            line.Append((v4 >> 8) & 0xFF);
            line.Append((byte)'.');
            line.Append(v4 & 0xFF);
        }
        else
        {
            // IPv6 sockets are few on the servers this is for; RFC 5952 text from the BCL rather than a second implementation.
            Span<byte> text = stackalloc byte[64];
            address.ToIPAddress().TryFormat(text, out int n);
            line.Append((byte)'[');
            line.Append(text[..n]);
            line.Append((byte)']');
        }
        line.Append((byte)':');
        if (anyPort && port == 0)
        {
            line.Append((byte)'*');
        }
        else
        {
            line.Append(port);
        }
    }
}
