using System.Globalization;
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

    /// <summary>Writes at most <paramref name="maxSockets"/> sockets, listeners first (their queues matter most in an outage), and returns how many were left out.</summary>
    public static long Write(TextWriter output, IReadOnlyList<SocketRecord> sockets, int maxSockets)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(sockets);
        output.Write(Header);
        output.Write('\n');
        int written = 0;
        var line = new StringBuilder(256);
        // Two passes instead of a sort: a table of 100,000 sockets is not copied.
        foreach (bool listeners in (ReadOnlySpan<bool>)[true, false])
        {
            foreach (var socket in sockets)
            {
                if ((socket.State == TcpState.Listen) != listeners)
                {
                    continue;
                }
                if (written >= maxSockets)
                {
                    return sockets.Count - written;
                }
                line.Clear();
                Append(line, socket);
                output.Write(line);
                written++;
            }
        }
        return 0;
    }

    /// <summary>The ss name of a state (<c>ESTAB</c>, <c>SYN-RECV</c>, <c>LISTEN</c>…).</summary>
    public static string StateName(TcpState state) => state switch
    {
        TcpState.Established => "ESTAB",
        TcpState.SynSent => "SYN-SENT",
        TcpState.SynRecv or TcpState.NewSynRecv => "SYN-RECV",
        TcpState.FinWait1 => "FIN-WAIT-1",
        TcpState.FinWait2 => "FIN-WAIT-2",
        TcpState.TimeWait => "TIME-WAIT",
        TcpState.CloseWait => "CLOSE-WAIT",
        TcpState.LastAck => "LAST-ACK",
        TcpState.Listen => "LISTEN",
        TcpState.Closing => "CLOSING",
        _ => "UNCONN",
    };

    /// <summary><c>print_ms_timer</c>: <c>1min29sec</c>, <c>1.500sec</c>, <c>29sec</c>, <c>050ms</c>.</summary>
    public static string TimerText(uint millis)
    {
        uint secs = millis / 1000, ms = millis % 1000, mins = secs / 60;
        secs %= 60;
        var sb = new StringBuilder(16);
        if (mins > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{mins}min");
        }
        if (secs > 0 || (mins == 0 && ms == 0))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{secs}");
            if (ms > 0)
            {
                sb.Append(CultureInfo.InvariantCulture, $".{ms:000}");
            }
            sb.Append("sec");
        }
        else if (ms > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{ms:000}ms");
        }
        return sb.ToString();
    }

    private static void Append(StringBuilder sb, in SocketRecord s)
    {
        var inv = CultureInfo.InvariantCulture;
        sb.Append(StateName(s.State).PadRight(10)).Append(' ');
        sb.Append(inv, $"{s.RQueue,-6} {s.WQueue,-6} ");
        sb.Append(Endpoint(s.Id.Local, s.Id.LocalPort, false).PadLeft(20)).Append(' ');
        sb.Append(Endpoint(s.Id.Remote, s.Id.RemotePort, s.State == TcpState.Listen).PadRight(30)).Append(' ');
        if (s.Timer != SocketTimer.None)
        {
            string name = s.Timer switch
            {
                SocketTimer.Retransmit => "on",
                SocketTimer.Keepalive => "keepalive",
                SocketTimer.TimeWait => "timewait",
                _ => "persist",
            };
            sb.Append(inv, $"timer:({name},{TimerText(s.ExpiresMillis)},{s.TimerRetries}) ");
        }
        if (s.Uid != 0)
        {
            sb.Append(inv, $"uid:{s.Uid} ");
        }
        sb.Append(inv, $"ino:{s.Inode} sk:{s.Id.Cookie:x}");
        if (!s.HasInfo)
        {
            sb.Append('\n');
            return;
        }
        var i = s.Info;
        sb.Append(" <->\n\t cubic");
        sb.Append(inv, $" rto:{Millis(i.Rto)} rtt:{Millis(i.Rtt)}/{Millis(i.RttVar)} mss:{i.SndMss} rcvmss:{i.RcvMss} cwnd:{i.SndCwnd}");
        if (i.Backoff > 0)
        {
            sb.Append(inv, $" backoff:{i.Backoff}");
        }
        sb.Append(inv, $" bytes_sent:{i.BytesSent} bytes_retrans:{i.BytesRetrans} bytes_acked:{i.BytesAcked} bytes_received:{i.BytesReceived}");
        sb.Append(inv, $" segs_out:{i.SegsOut} segs_in:{i.SegsIn} lastsnd:{i.LastDataSent} lastrcv:{i.LastDataRecv} lastack:{i.LastAckRecv}");
        if (i.Unacked > 0)
        {
            sb.Append(inv, $" unacked:{i.Unacked}");
        }
        if (i.Retrans > 0 || i.TotalRetrans > 0)
        {
            sb.Append(inv, $" retrans:{i.Retrans}/{i.TotalRetrans}");
        }
        if (i.Lost > 0)
        {
            sb.Append(inv, $" lost:{i.Lost}");
        }
        if (i.HasNotsentBytes && i.NotsentBytes > 0)
        {
            sb.Append(inv, $" notsent:{i.NotsentBytes}");
        }
        if (i.HasSndWnd)
        {
            sb.Append(inv, $" snd_wnd:{i.SndWnd}");
        }
        if (i.HasRcvWnd)
        {
            sb.Append(inv, $" rcv_wnd:{i.RcvWnd}");
        }
        sb.Append('\n');
    }

    /// <summary>tcp_info's µs as ss's %g milliseconds (<c>204</c>, <c>0.211</c>).</summary>
    private static string Millis(uint micros) => (micros / 1000.0).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Endpoint(Events.NetAddress address, ushort port, bool anyPort)
    {
        string host = address.IsNone ? "*" : address.IsV6 ? "[" + address + "]" : address.ToString();
        return host + ":" + (anyPort && port == 0 ? "*" : port.ToString(CultureInfo.InvariantCulture));
    }
}
