using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class TcpMemoryMessage
{
    public static Explanation OutOfMemoryExplanation { get; } = new()
    {
        Kind = EventKind.TcpOutOfMemory,
        Title = "TCP memory exhausted (\"out of memory -- consider tuning tcp_mem\")",
        Summary = "Global TCP buffer memory passed tcp_mem's hard limit; the kernel reset a connection instead of queueing more.",
        WhatTheKernelSaw =
            "A socket with queued data needed more buffer memory while the total memory of all TCP sockets (in pages) exceeded " +
            "tcp_mem[2]. The kernel killed the connection with a reset (TCPAbortOnMemory). Connections that hold data unsent — " +
            "to peers that do not read (zero-window holders) — are a classic way to get here.",
        Fields = [new("(none)", "The message names no connection; use the counters and socket table.")],
        LikelyCauses =
        [
            "Many connections with full send buffers to slow or stalled peers (zero-window holders, slow readers, sockstress).",
            "tcp_mem sized for less RAM than the machine has, or a real memory shortage.",
        ],
        Checks =
        [
            "/proc/net/sockstat `TCP: … mem N` (pages) against /proc/sys/net/ipv4/tcp_mem.",
            "TCPAbortOnMemory and TCPMemoryPressures counters; sockets stuck in zero window (`uncloak sockets --once`).",
        ],
        Actions =
        [
            "Find and cut the connections that hold memory: kill stuck sockets, ban their peers.",
            "If memory is really free, raise the third value of net.ipv4.tcp_mem.",
        ],
        Printing = "Printed by default at KERN_INFO, ratelimited. Old kernels said \"Out of socket memory\".",
        KernelSource = "net/ipv4/tcp.c, tcp_check_oom()",
        Examples = ["TCP: out of memory -- consider tuning tcp_mem", "Out of socket memory"],
    };

    public static Explanation OrphansExplanation { get; } = new()
    {
        Kind = EventKind.TooManyOrphans,
        Title = "Too many orphaned TCP sockets (\"too many orphaned sockets\")",
        Summary = "Connections closed by the application but still owed to the network passed tcp_max_orphans; the kernel reset them.",
        WhatTheKernelSaw =
            "The number of orphans — sockets the application has closed but the kernel still has to finish (unsent data, " +
            "FIN_WAIT) — exceeded net.ipv4.tcp_max_orphans (or ½ or ¼ of it for stale ones). The kernel reset the connection " +
            "instead of a graceful close; TCPAbortOnMemory counts it. Orphans to peers that advertise a zero window never drain.",
        Fields = [new("(none)", "The message names no connection.")],
        LikelyCauses =
        [
            "A server closing many connections to peers that do not read (zero-window holders) or are gone.",
            "A flood of short connections on a host with little memory.",
        ],
        Checks =
        [
            "/proc/net/sockstat `orphan` against net.ipv4.tcp_max_orphans; TCPAbortOnMemory.",
            "Peers with many stuck connections: `uncloak sockets --once`.",
        ],
        Actions =
        [
            "Lower net.ipv4.tcp_orphan_retries (2–3) and tcp_fin_timeout (15–30) so orphans to dead peers go sooner.",
            "Raise tcp_max_orphans only if RAM allows (~64 KB each); never lower it.",
        ],
        Printing = "Printed by default at KERN_INFO, ratelimited. 2.4/2.6 said \"TCP: too many of orphaned sockets\".",
        KernelSource = "net/ipv4/tcp.c, tcp_check_oom()",
        Examples = ["TCP: too many orphaned sockets", "TCP: too many of orphaned sockets"],
    };

    public static Explanation TimeWaitExplanation { get; } = new()
    {
        Kind = EventKind.TimeWaitOverflow,
        Title = "TIME_WAIT bucket table overflow",
        Summary = "A closing connection could not get a TIME_WAIT bucket and was closed without TIME_WAIT protection.",
        WhatTheKernelSaw =
            "The number of TIME_WAIT sockets reached net.ipv4.tcp_max_tw_buckets (or the allocation failed), so a connection " +
            "was closed at once. This is mostly harmless: it only skips the protection against late duplicates.",
        Fields = [new("(none)", "The message names no connection.")],
        LikelyCauses = ["Very many short connections (busy web server or proxy).", "A tcp_max_tw_buckets lowered by a tuning guide."],
        Checks = ["TCPTimeWaitOverflow counter; /proc/net/sockstat `tw`."],
        Actions = ["Leave tcp_max_tw_buckets at its default or raise it; never lower it."],
        Printing = "Only on kernels before ≈2.6.37 (and some vendor kernels). Modern kernels count TCPTimeWaitOverflow silently.",
        KernelSource = "net/ipv4/tcp_minisocks.c, tcp_time_wait()",
        Examples = ["TCP: time wait bucket table overflow"],
    };
}
