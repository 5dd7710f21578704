using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class ConntrackFullMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.ConntrackFull,
        Title = "Connection-tracking table full (\"nf_conntrack: table full, dropping packet\")",
        Summary = "Netfilter could not track a new flow, so the packet that would have created it was dropped: new connections fail.",
        WhatTheKernelSaw =
            "A packet needed a new conntrack entry while nf_conntrack_count was at nf_conntrack_max, and early_drop() could not " +
            "evict an unassured (not yet established) entry from the same hash bucket. The packet was dropped. Every new " +
            "connection — in and out, TCP, UDP, ICMP — fails while this lasts, which looks exactly like the site being down.",
        Fields =
        [
            new("nf_conntrack / ip_conntrack", "The module name; ip_conntrack is the pre-2.6.2x implementation."),
            new("in netns N", "Printed (2025+) when the table of another network namespace is full; N is its inode number."),
            new("VPS N", "OpenVZ kernels (2.6.18-based): the table of container N is full, which its own limit (numiptent, ip_conntrack_max inside the container) or the node's may cause."),
        ],
        LikelyCauses =
        [
            "A flood of new flows (SYN flood, UDP flood, scans) filling the table with unassured entries.",
            "nf_conntrack_max too small for the real traffic, or very long timeouts (tcp_timeout_established is 5 days by default) keeping dead entries.",
            "Stateful rules on a busy web port where no state is needed.",
        ],
        Checks =
        [
            "cat /proc/sys/net/netfilter/nf_conntrack_count and nf_conntrack_max; `conntrack -S` drop= and early_drop=.",
            "`uncloak counters` shows the fill percentage; `uncloak audit` compares the maximum with memory.",
        ],
        Actions =
        [
            "Raise net.netfilter.nf_conntrack_max (and nf_conntrack_buckets to match), ≥2× the observed peak.",
            "Lower net.netfilter.nf_conntrack_tcp_timeout_established (e.g. 3600).",
            "Exempt the web ports from tracking (nft `notrack` in a raw-priority chain) if no stateful rule needs them.",
        ],
        Printing = "Printed by default at KERN_WARNING under the global net_ratelimit budget (so one line can stand for many drops).",
        KernelSource = "net/netfilter/nf_conntrack_core.c, __nf_conntrack_alloc()",
        Examples =
        [
            "nf_conntrack: nf_conntrack: table full, dropping packet",
            "nf_conntrack: table full, dropping packet.",
            "ip_conntrack: table full, dropping packet.",
            "nf_conntrack: nf_conntrack: table full in netns 4026532291, dropping packet",
            "ip_conntrack: VPS 101: table full, dropping packet.",
        ],
    };
}
