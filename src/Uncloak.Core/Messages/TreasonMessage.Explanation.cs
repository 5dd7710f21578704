using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class TreasonMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.Treason,
        Title = "Peer shrank its TCP window (\"Treason uncloaked\" / \"unexpectedly shrunk window\" / \"Probing zero-window\")",
        Summary = "A remote peer took back receive window it had already offered while this host had data in flight to it.",
        WhatTheKernelSaw =
            "The retransmission timer fired on a connection that had unacknowledged data in flight (packets_out > 0) while the " +
            "peer's last advertised window was zero. That can only happen if the peer moved the right edge of its window " +
            "backwards: it first let this host send up to snd_nxt, then advertised window 0 before acknowledging those bytes " +
            "(RFC 793/1122/7323 strongly discourage this). \"Repaired\" only means the kernel did not abort: it treats its " +
            "retransmissions as zero-window probes and backs off exponentially. A receiver that merely fills up (a slow " +
            "reader) never causes this message; that case goes through the silent persist timer.",
        Fields =
        [
            new("Peer A:p", "The REMOTE end of the connection (the socket's destination address) and the remote port."),
            new("/l", "The LOCAL port on this host. A server port here (80, 443…) means this host was sending to a client " +
                "(a download). An ephemeral local port with a well-known remote port means this host was the client."),
            new("X:Y", "snd_una:snd_nxt in this host's send-sequence space (absolute 32-bit numbers with a random start). " +
                "Y−X (mod 2^32) bytes had been sent and not acknowledged: the amount of window the peer took back. " +
                "1 byte is typical of an outstanding zero-window probe."),
            new("recv N ms ago (≥6.6)", "Time since the last ACK arrived from the peer."),
            new("lasting N ms (≥6.6)", "Time since the first retransmission of this stall: how long the connection has been stuck."),
            new("repeated lines", "The same peer, ports and snd_una on several lines are one stalled connection being probed " +
                "again, not several incidents."),
        ],
        LikelyCauses =
        [
            "A buggy or embedded TCP stack on the peer, or a middlebox (load balancer, firewall, traffic shaper, proxy) that rewrites the window.",
            "A peer that dropped data it had already accepted into a queue, or that hit memory limits and shrank its buffer.",
            "A Linux peer running net.ipv4.tcp_shrink_window=1 (≥6.5), which allows shrinking under memory pressure.",
            "Deliberate: a sockstress-style client that opens connections, requests data and then holds the window shut to pin server memory and workers.",
        ],
        Checks =
        [
            "Count episodes, not lines: group by peer, ports and snd_una (uncloak analyze does this).",
            "Many unrelated peers at a low steady rate is internet background noise (broken stacks); one peer or one /24 with many episodes is worth a look.",
            "Look at the live socket table: `uncloak sockets --once` shows connections with snd_wnd = 0 and data unacked now, even on kernels that never print this message.",
            "Counters: TCPAbortOnTimeout and TCPWinProbe in /proc/net/netstat (`uncloak counters`).",
            "Did outages coincide with the episodes, or with something else in the log (link flaps, conntrack full, SYN floods)?",
        ],
        Actions =
        [
            "If it is background noise, do nothing: the kernel handles it and aborts the connection after ~2–4 minutes at most.",
            "If a few peers hold many connections stuck, ban them (`uncloak bans add ADDR --for 1h`) and kill their stuck sockets (`uncloak sockets --kill ADDR`).",
            "Bound how long a stuck connection can pin a worker: lower net.ipv4.tcp_retries2 (e.g. 8) and give the web server short send timeouts.",
            "Keep net.ipv4.tcp_shrink_window=0 on your own hosts so you never do this to others.",
        ],
        Printing =
            "Not printed by default on kernels of the last decade. Since ≈3.19 it is a net_dbg_ratelimited() call: compiled out " +
            "unless the kernel has CONFIG_DYNAMIC_DEBUG=y and the call site is enabled, and then printed at KERN_DEBUG under the " +
            "global net_ratelimit budget. Enable as root with: echo 'file net/ipv4/tcp_timer.c +p' > /proc/dynamic_debug/control " +
            "(or dyndbg=\"file net/ipv4/tcp_timer.c +p\" on the kernel command line); check with grep tcp_timer.c " +
            "/proc/dynamic_debug/control (\"=p\" means on). Before ≈3.19 it was printed by default at debug level. Text by era: " +
            "\"TCP: Treason uncloaked! … shrinks window X:Y. Repaired.\" (2.2–2.6.2x), \"[TCP: ]Peer … unexpectedly shrunk window " +
            "X:Y (repaired)\" (2.6.2x–6.5), \"Probing zero-window on …, seq=X:Y, recv Nms ago, lasting Nms\" (≥6.6).",
        KernelSource = "net/ipv4/tcp_timer.c, tcp_retransmit_timer()",
        Examples =
        [
            "TCP: Treason uncloaked! Peer 168.209.98.35:43301/80 shrinks window 2244026871:2244027701. Repaired.",
            "TCP: Peer 112.96.145.174:65008/8080 unexpectedly shrunk window 1283949404:1283949405 (repaired)",
            "Peer 203.0.113.45:51514/443 unexpectedly shrunk window 2244026871:2244027701 (repaired)",
            "Probing zero-window on 203.0.113.45:51514/443, seq=2244026871:2244027701, recv 412ms ago, lasting 1604ms",
            "TCP: peer 148.75.118.138:1360/6699 shrinks window 3200785160:0:3200795086. Bad, what else can I say?",
        ],
    };
}
