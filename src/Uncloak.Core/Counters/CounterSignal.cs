namespace Uncloak.Core.Counters;

/// <summary>
/// A counter worth watching, what it means in one line, and the level at which it becomes an alarm
/// (a rate per second for counters, a value for gauges; 0 means "any increase").
/// </summary>
public sealed record CounterSignal(string Name, string Group, CounterKind Kind, string Meaning, double AlarmAt = double.PositiveInfinity)
{
    /// <summary>The signals Uncloak shows, grouped; the names are the kernel's own (include/uapi/linux/snmp.h, net/ipv4/proc.c).</summary>
    public static IReadOnlyList<CounterSignal> All { get; } =
    [
        new("TcpExt.TCPReqQFullDoCookies", "syn queue", CounterKind.Counter, "SYN queue full: answered with a SYN cookie (a SYN flood being absorbed)", 0),
        new("TcpExt.TCPReqQFullDrop", "syn queue", CounterKind.Counter, "SYN queue full and cookies off: the SYN was DROPPED (legitimate clients refused)", 0),
        new("TcpExt.SyncookiesSent", "syn cookies", CounterKind.Counter, "SYN-ACKs sent carrying a cookie"),
        new("TcpExt.SyncookiesRecv", "syn cookies", CounterKind.Counter, "valid cookies returned: real clients completing through cookies"),
        new("TcpExt.SyncookiesFailed", "syn cookies", CounterKind.Counter, "invalid cookies returned: stale or forged ACKs"),
        new("TcpExt.ListenOverflows", "accept queue", CounterKind.Counter, "accept queue full: the application does not accept() fast enough", 0),
        new("TcpExt.ListenDrops", "accept queue", CounterKind.Counter, "any packet to a listener dropped (includes every overflow and SYN-queue drop)"),
        new("TcpExt.EmbryonicRsts", "syn queue", CounterKind.Counter, "RSTs received for half-open (SYN-RECV) connections"),
        new("Tcp.AttemptFails", "syn queue", CounterKind.Counter, "half-open connections that failed (SYN-SENT/SYN-RECV → CLOSED)"),
        new("TcpExt.TCPToZeroWindowAdv", "zero window", CounterKind.Counter, "we advertised a zero window: our application is not reading"),
        new("TcpExt.TCPFromZeroWindowAdv", "zero window", CounterKind.Counter, "we reopened our window from zero"),
        new("TcpExt.TCPWantZeroWindowAdv", "zero window", CounterKind.Counter, "we wanted to shrink to zero but kept the old window"),
        new("TcpExt.TCPZeroWindowDrop", "zero window", CounterKind.Counter, "incoming data dropped because our receive window is zero"),
        new("TcpExt.TCPWinProbe", "zero window", CounterKind.Counter, "zero-window probes we sent: peers holding their window shut"),
        new("TcpExt.TCPAbortOnTimeout", "aborts", CounterKind.Counter, "connections killed after retransmissions or zero-window probes ran out (dead or stalling peers)"),
        new("TcpExt.TCPAbortOnMemory", "aborts", CounterKind.Counter, "connections killed because TCP memory or the orphan limit ran out", 0),
        new("TcpExt.TCPAbortOnData", "aborts", CounterKind.Counter, "RST sent: data arrived after the application closed"),
        new("TcpExt.TCPAbortOnClose", "aborts", CounterKind.Counter, "RST sent: the application closed with unread data"),
        new("TcpExt.TCPMemoryPressures", "memory", CounterKind.Counter, "TCP entered memory pressure (tcp_mem[1] crossed)", 0),
        new("TcpExt.TCPTimeWaitOverflow", "memory", CounterKind.Counter, "TIME-WAIT bucket not allocated (tcp_max_tw_buckets reached)", 0),
        new("Tcp.RetransSegs", "traffic", CounterKind.Counter, "segments retransmitted"),
        new("Tcp.OutRsts", "traffic", CounterKind.Counter, "RSTs sent"),
        new("Tcp.EstabResets", "traffic", CounterKind.Counter, "established connections reset"),
        new("Tcp.CurrEstab", "sockets", CounterKind.Gauge, "connections now ESTABLISHED or CLOSE-WAIT"),
        new("Sockstat.TCP.inuse", "sockets", CounterKind.Gauge, "IPv4 TCP sockets in use"),
        new("Sockstat6.TCP6.inuse", "sockets", CounterKind.Gauge, "IPv6 TCP sockets in use"),
        new("Sockstat.TCP.orphan", "sockets", CounterKind.Gauge, "orphaned sockets (closed by the application, still held by the kernel); compare with tcp_max_orphans"),
        new("Sockstat.TCP.tw", "sockets", CounterKind.Gauge, "sockets in TIME-WAIT; compare with tcp_max_tw_buckets"),
        new("Sockstat.TCP.mem", "memory", CounterKind.Gauge, "pages of memory TCP uses; compare with tcp_mem"),
        new("Conntrack.count", "conntrack", CounterKind.Gauge, "connection-tracking entries now"),
        new("Conntrack.max", "conntrack", CounterKind.Gauge, "connection-tracking table size (nf_conntrack_max)"),
        new(ConntrackFillName, "conntrack", CounterKind.Gauge, "conntrack table fill, percent: new flows are dropped at 100", 90),
    ];

    /// <summary>The derived conntrack fill percentage (count × 100 / max).</summary>
    public const string ConntrackFillName = "Conntrack.fill_percent";
}
