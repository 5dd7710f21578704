using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class DropOpenRequestMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.DropOpenRequest,
        Title = "SYN from an unproven peer shed (\"drop open request from …\")",
        Summary = "With SYN cookies off and the SYN queue three-quarters full, the kernel dropped a SYN from a peer it had never completed a connection with.",
        WhatTheKernelSaw =
            "tcp_syncookies was 0, the listener's SYN queue had less than a quarter of tcp_max_syn_backlog free, and the peer " +
            "had no tcp_metrics entry proving an earlier successful connection. The kernel keeps the last quarter of the queue " +
            "for known peers and drops this SYN. ListenDrops counts it.",
        Fields =
        [
            new("address/port", "The REMOTE client's address and its source port, from the SYN."),
        ],
        LikelyCauses =
        [
            "A SYN flood on a host with SYN cookies disabled.",
            "A legitimate burst against a listener with a small backlog.",
        ],
        Checks =
        [
            "sysctl net.ipv4.tcp_syncookies: this message means it is 0.",
            "ListenDrops and TCPReqQFullDrop counters (`uncloak counters`).",
        ],
        Actions =
        [
            "Set net.ipv4.tcp_syncookies=1 (`uncloak audit --fix`).",
            "Raise the listen backlog and net.core.somaxconn.",
        ],
        Printing =
            "Dynamic debug only since ≈3.19 (enable with: echo 'func pr_drop_req +p' > /proc/dynamic_debug/control), and only " +
            "when tcp_syncookies=0. Older kernels printed it by default at debug level.",
        KernelSource = "net/ipv4/tcp_input.c, pr_drop_req() from tcp_conn_request()",
        Examples = ["TCP: drop open request from 203.0.113.7/51234"],
    };
}
