using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class WindowScaleMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.IllegalWindowScale,
        Title = "A peer's SYN asked for an illegal window scale (\"Illegal window scaling value 15 > 14 received\")",
        Summary = "A connecting peer sent a window scale option over 14, the most RFC 7323 allows; the kernel used 14 and the connection went on.",
        WhatTheKernelSaw =
            "While parsing the options of a SYN (or SYN-ACK), the window scale shift was above 14. A shift of 15 or more would " +
            "let the peer advertise windows past 2^30 bytes, beyond what sequence numbers can tell apart, so the kernel clamps it " +
            "to 14 and logs the value once per ratelimit interval. Nothing is dropped and no connection fails because of it.",
        Fields = [new("value", "The window scale shift the peer asked for (15–255; the option is one byte).")],
        LikelyCauses =
        [
            "Crafted SYNs from scanners and OS-fingerprinting tools, which set unusual options to see how a stack reacts.",
            "A broken TCP stack or a middlebox (load balancer, shaper, VPN) that rewrites or corrupts TCP options.",
        ],
        Checks =
        [
            "Which peers: the line names none — a capture of SYNs with a window scale over 14 does: " +
            "tcpdump -nni any 'tcp[tcpflags] & tcp-syn != 0' -vv and look for 'wscale 15' or more.",
            "A burst of them alongside SYN-flood or firewall lines from many addresses points to a scan; a steady trickle from " +
            "one client population points to a middlebox on their path.",
        ],
        Actions =
        [
            "None needed for the line itself: the kernel already clamps the value. Do not turn off tcp_window_scaling for it.",
            "If it comes with a scan, treat the scan (rate limits, bans of the scanning addresses), not the option.",
        ],
        Printing = "Printed by default at KERN_INFO, ratelimited (net_info_ratelimited, earlier net_ratelimit). " +
            "4.x and later: \"TCP: tcp_parse_options: Illegal window scaling value 15 > 14 received\"; " +
            "2.6 and 3.x: \"… value 15 >14 received\" (2.6.18 with a final period, without \"TCP: \").",
        KernelSource = "net/ipv4/tcp_input.c, tcp_parse_options()",
        Examples =
        [
            "TCP: tcp_parse_options: Illegal window scaling value 15 > 14 received",
            "tcp_parse_options: Illegal window scaling value 15 >14 received.",
        ],
    };
}
