using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class SynFloodMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.SynFlood,
        Title = "SYN queue full on a listener (\"Possible SYN flooding on port …\")",
        Summary = "A listening socket's queue of half-open connections reached its backlog; the kernel switched to SYN cookies or dropped SYNs.",
        WhatTheKernelSaw =
            "A SYN arrived for a listener whose SYN queue (half-open request sockets) had reached the listener's backlog, " +
            "min(listen() backlog, net.core.somaxconn). With tcp_syncookies=1 the kernel answers with a SYN cookie and keeps no " +
            "state (\"Sending cookies\"); with tcp_syncookies=0 it drops the SYN (\"Dropping request\") and legitimate clients " +
            "time out. The message is printed ONCE per listening socket for its whole life, so a single line can stand for a " +
            "flood that lasted hours; restarting the service re-arms it.",
        Fields =
        [
            new("port / address", "The LISTENING socket's bound address (≥6.2) and port. 0.0.0.0 or [::] is a wildcard listener. No attacker address is printed in any version."),
            new("proto (request_sock_TCP / TCPv6)", "The family of the incoming SYNs (IPv4 SYNs to a dual-stack [::] listener say request_sock_TCP)."),
            new("Sending cookies", "tcp_syncookies is on: the flood is absorbed statelessly; clients still connect."),
            new("Dropping request", "tcp_syncookies is off: SYNs beyond the queue are dropped; legitimate clients fail too."),
        ],
        LikelyCauses =
        [
            "A SYN flood, usually from spoofed source addresses (so banning sources is pointless).",
            "A legitimate burst (a flash crowd, a health-check storm) against a listener with a small backlog.",
            "The application stopped accepting (hung workers): the accept queue fills, then the SYN queue, and the kernel reports it as a flood.",
        ],
        Checks =
        [
            "Counters: TCPReqQFullDoCookies / TCPReqQFullDrop (the flood's size), SyncookiesSent / SyncookiesRecv (clients getting through), ListenOverflows (accept queue) — `uncloak counters`.",
            "sysctl net.ipv4.tcp_syncookies (want 1), net.core.somaxconn and the listener's backlog (`uncloak audit`).",
            "Live SYN-RECV sockets per source /24 and whether they look spoofed: `uncloak sockets --once`.",
        ],
        Actions =
        [
            "Keep net.ipv4.tcp_syncookies=1: it makes a SYN flood harmless at no cost in normal operation.",
            "Raise the application's listen backlog and net.core.somaxconn so legitimate bursts fit.",
            "Do NOT rate-limit SYNs with iptables/nft: the limit cannot tell attackers from clients and drops both (a self-inflicted DoS).",
            "Do not ban the sources of a spoofed flood: the addresses are forged; bans fill the firewall and block innocent hosts.",
        ],
        Printing =
            "Printed by default at KERN_INFO, but only once per listening socket (synflood_warned is never cleared) and never " +
            "when tcp_syncookies=2. Forms: \"possible SYN flooding on port N. Sending cookies.\" (2.2–2.6.3x), \"TCPv6: …\", " +
            "\"TCP: TCP: Possible SYN flooding on port N. … Check SNMP counters.\" (≈3.1–3.16), \"TCP: request_sock_TCP: …\" " +
            "(≈3.17–6.1), and since 6.2 with the listener address: \"on port 198.18.0.10:80\" or \"on port [::]:443\".",
        KernelSource = "net/ipv4/tcp_input.c, tcp_syn_flood_action() (before ≈3.17: tcp_ipv4.c / tcp_ipv6.c)",
        Examples =
        [
            "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.10:80. Sending cookies.",
            "TCP: request_sock_TCPv6: Possible SYN flooding on port [::]:443. Dropping request.",
            "TCP: TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP counters.",
            "possible SYN flooding on port 4671. Sending cookies.",
        ],
    };
}
