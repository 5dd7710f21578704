using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Signals;

/// <summary>
/// The explanations of the host-signal findings, in the message catalog's style. <see cref="Register"/> adds them to
/// <see cref="MessageCatalog"/> so `explain --kind`, reports and the web page find them like the log families.
/// </summary>
public static class SignalExplanations
{
    private static int _registered;

    /// <summary>Registers every host-signal explanation once; safe to call from anywhere, any number of times.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }
        foreach (var e in All)
        {
            MessageCatalog.Register(e);
        }
    }

    public static IReadOnlyList<Explanation> All { get; } =
    [
        new()
        {
            Kind = EventKind.ZeroWindowHold,
            Title = "Peer holds its TCP receive window shut (zero-window hold / treason, seen live in the socket table)",
            Summary = "A remote peer advertises a zero window while this host has data for it: the data and the connection are pinned.",
            WhatTheKernelSaw =
                "In the live socket table (netlink sock_diag, tcp_info) an established connection has snd_wnd = 0 — the peer's " +
                "last advertised receive window — while bytes wait in its send queue. With nothing in flight the kernel runs the " +
                "persist timer (idiag_timer 4) and sends zero-window probes (TCPWinProbe) with exponential backoff; a peer that " +
                "answers each probe keeps the connection open forever. With data already in flight (tcpi_unacked > 0) the peer " +
                "took back window it had offered — the condition old kernels logged as \"Treason uncloaked\" and today's compile " +
                "out — and the retransmit timer probes it instead (ca_state Loss, backoff climbing).",
            Fields =
            [
                new("peer", "The remote address holding the window shut; all its stuck connections are grouped."),
                new("local_port", "Our port (the most common one among the peer's stuck connections): 80/443 means we serve it a download."),
                new("form", "peer_not_reading (persist timer: slow or stalled reader) or window_shrunk (data in flight when the window closed: treason)."),
                new("sockets", "How many of the peer's connections are stuck."),
                new("stuck_bytes", "Bytes queued to the peer that it will not take: unacknowledged plus unsent (the send queue)."),
                new("stalled_ms", "peer_not_reading: time since we last sent data; window_shrunk: time since the peer last acknowledged anything."),
                new("probes / backoff", "Unanswered probes and the timer's backoff exponent; climbing between snapshots means the peer keeps it shut."),
            ],
            LikelyCauses =
            [
                "A client that requested a large response and stopped reading (crashed app, suspended laptop, a stalled proxy).",
                "A sockstress / slow-read attack: many connections that request data and hold the window at 0 to pin server memory and workers.",
                "A buggy middlebox or embedded stack rewriting or shrinking the window (window_shrunk form).",
                "A genuinely slow reader on a bad link (short stalls that resolve by themselves).",
            ],
            Checks =
            [
                "Run `uncloak sockets` again: do probes/backoff climb and stuck bytes stay, or does the window reopen?",
                "How many connections does the peer hold, and are other peers of the same /24 doing the same?",
                "`uncloak counters --sample`: TCPWinProbe rising (we probe closed windows); TCPAbortOnTimeout rising (probes ran out).",
                "Are web-server workers busy writing to these sockets (server-status, worker slots)?",
            ],
            Actions =
            [
                "Kill the peer's stuck connections: `uncloak sockets --kill PEER` (or `--kill-stuck` for every stuck socket).",
                "If it repeats from the same peers, ban them for a while (`uncloak bans add PEER --for 1h`).",
                "Bound how long a stuck connection lives: short send timeouts in the web server (nginx send_timeout, Apache Timeout), TCP_USER_TIMEOUT, lower net.ipv4.tcp_retries2.",
            ],
            Printing =
                "No log line on stock kernels: the persist case never logged, and the shrunk-window message (\"Treason uncloaked\", " +
                "\"unexpectedly shrunk window\", \"Probing zero-window\") is a debug print compiled out unless dynamic debug enables it. " +
                "Uncloak reads it from the socket table instead.",
            KernelSource = "net/ipv4/tcp_output.c tcp_send_probe0(), net/ipv4/tcp_timer.c tcp_probe_timer() and tcp_retransmit_timer(), net/ipv4/tcp.c tcp_get_info()",
            Examples = [],
        },
        new()
        {
            Kind = EventKind.SlowRead,
            Title = "One peer holds many connections that make no progress (slowloris / idle hold)",
            Summary = "A peer keeps many connections to one of our ports open while sending little and getting nothing: it occupies workers.",
            WhatTheKernelSaw =
                "In the socket table, many established connections from one address to a listening port of ours where we have sent " +
                "no data for a long time (tcpi_last_data_sent) and the peer either sent nothing for as long (tcpi_last_data_recv) or " +
                "only a few bytes in total (tcpi_bytes_received: an incomplete request trickled in). Across two snapshots, no byte " +
                "moved in either direction.",
            Fields =
            [
                new("peer", "The remote address holding the connections."),
                new("local_port", "The service port they are connected to."),
                new("connections", "How many of its connections make no progress."),
                new("idle_ms", "The shortest time any of them has gone without us sending data."),
                new("bytes_received", "What the peer sent over all of them: a few hundred bytes per connection is a trickled request."),
            ],
            LikelyCauses =
            [
                "A slowloris-style attack: incomplete HTTP requests sent a byte at a time to keep workers waiting.",
                "A client or proxy with an oversized keep-alive pool that opens connections it never uses.",
                "Many users behind one NAT address with idle keep-alive connections (check the count against the site's normal).",
            ],
            Checks =
            [
                "Compare the count with the web server's worker limit: is this peer using a large share of it?",
                "Does the same peer appear on several ports or in the web server's access log at all?",
                "`uncloak sockets` a minute later: still the same connections (confirmed by series)?",
            ],
            Actions =
            [
                "Limit connections per client address (nginx limit_conn, Apache mod_reqtimeout / mod_qos, an nftables ct count rule).",
                "Shorten header and body timeouts (nginx client_header_timeout, Apache RequestReadTimeout).",
                "If it is an attack, ban the peer and kill its connections (`uncloak sockets --kill PEER`).",
            ],
            Printing = "Never logged by the kernel: only the socket table shows it.",
            KernelSource = "net/ipv4/tcp.c tcp_get_info() (tcpi_last_data_sent, tcpi_last_data_recv, tcpi_bytes_received)",
            Examples = [],
        },
        new()
        {
            Kind = EventKind.SynRecvFlood,
            Title = "Many half-open connections on a listener (SYN-RECV flood), with a spoofing verdict",
            Summary = "A listener holds many handshakes that never complete; the sources' spread says whether they are forged.",
            WhatTheKernelSaw =
                "The socket table lists many request sockets in SYN-RECV for one listening port: SYNs arrived, the kernel answered " +
                "with SYN-ACKs and is retransmitting them, and no final ACK came. Grouping the sources by /24 (IPv6 /64) shows " +
                "whether they are a few real hosts or a spread of addresses that each tried once and never completed — the mark " +
                "of forged source addresses.",
            Fields =
            [
                new("listener", "Our listening address and port under attack."),
                new("half_open", "Request sockets now in SYN-RECV on it."),
                new("sources / prefixes", "Distinct source addresses and /24 (/64) prefixes among them."),
                new("completed", "Sources that also hold an established connection to the port: real clients."),
                new("spoofed", "True when the sources are spread over many prefixes, about one attempt each, (almost) none completing."),
                new("top prefixes", "The busiest source prefixes."),
            ],
            LikelyCauses =
            [
                "A SYN flood with forged source addresses (spoofed = true): the addresses are not the attacker's.",
                "A botnet or scanner using its real addresses (spoofed = false, few prefixes, many attempts each).",
                "Real clients on a lossy path whose final ACKs are lost (few per prefix, some completing).",
            ],
            Checks =
            [
                "`uncloak counters --sample`: TCPReqQFullDoCookies (cookies in use) or TCPReqQFullDrop (SYNs dropped!), SyncookiesRecv (real clients still getting in).",
                "The kernel log's \"Possible SYN flooding on port\" line (printed once per listener).",
                "Is net.ipv4.tcp_syncookies 1, and is the listener's backlog (`uncloak sockets` listener view) large enough?",
            ],
            Actions =
            [
                "Spoofed: do NOT ban the sources (they are innocent or random); keep net.ipv4.tcp_syncookies=1, raise net.ipv4.tcp_max_syn_backlog and the listen() backlog, lower tcp_synack_retries; ask the upstream for filtering if the link saturates.",
                "Not spoofed: rate-limit new connections per source (nftables meter / limit) or ban the top prefixes for a while.",
            ],
            Printing = "The kernel prints \"Possible SYN flooding on port N\" once per listener and never names a source; the socket table does.",
            KernelSource = "net/ipv4/tcp_input.c tcp_conn_request(), net/ipv4/inet_diag.c inet_req_diag_fill()",
            Examples = [],
        },
        new()
        {
            Kind = EventKind.AcceptQueueFull,
            Title = "A listener's accept queue is full (the application does not accept fast enough)",
            Summary = "Completed connections wait at the listener's backlog for accept(): new handshakes are being dropped.",
            WhatTheKernelSaw =
                "For a listening socket sock_diag reports the accept queue (idiag_rqueue, connections that completed the handshake " +
                "and wait for accept()) and its maximum, the backlog (idiag_wqueue: min(listen() backlog, net.core.somaxconn)). " +
                "The queue is at the backlog: the kernel now drops the final ACKs or SYNs of new clients (ListenOverflows, " +
                "ListenDrops), who see timeouts and retransmit.",
            Fields =
            [
                new("listener", "Our listening address and port."),
                new("accept_queue", "Connections waiting for the application to accept() them."),
                new("backlog", "The queue's maximum."),
                new("half_open", "Handshakes in progress (SYN-RECV) on the same port."),
            ],
            LikelyCauses =
            [
                "Too few workers, or all workers busy/stuck (Apache prefork at MaxRequestWorkers, a blocked event loop, slow backends).",
                "Workers pinned by slow or stalled clients (see zero_window_hold and slow_read findings on the same port).",
                "A backlog too small for bursts (listen(…, 128), net.core.somaxconn).",
            ],
            Checks =
            [
                "`uncloak counters --sample`: ListenOverflows rising confirms drops.",
                "The web server's status page: are all workers busy, and with what?",
                "Other findings on the same port: stuck or slow connections holding workers.",
            ],
            Actions =
            [
                "Free or add workers (MaxRequestWorkers, worker_connections, process count); fix the slow backend.",
                "Kill stuck connections holding workers (`uncloak sockets --kill-stuck`).",
                "Raise the listen() backlog and net.core.somaxconn so bursts queue instead of being dropped.",
            ],
            Printing = "Never logged: only the socket table and the ListenOverflows counter show it.",
            KernelSource = "include/net/sock.h sk_acceptq_is_full(), net/ipv4/tcp_ipv4.c tcp_v4_syn_recv_sock()",
            Examples = [],
        },
        new()
        {
            Kind = EventKind.CounterAlarm,
            Title = "A kernel TCP counter crossed its alarm level",
            Summary = "A counter that should stay still moved (drops, aborts on memory, SYN-queue overflow) or a table is nearly full.",
            WhatTheKernelSaw =
                "Between two readings of /proc/net/netstat, /proc/net/snmp, /proc/net/sockstat or nf_conntrack_count, a counter " +
                "whose every increment means a refused or killed connection increased (TCPReqQFullDrop, ListenOverflows, " +
                "TCPAbortOnMemory, TCPMemoryPressures, TCPTimeWaitOverflow), SYN cookies were used (TCPReqQFullDoCookies), or the " +
                "conntrack table passed 90 % of nf_conntrack_max.",
            Fields =
            [
                new("counter", "The kernel's own counter name (e.g. TcpExt.ListenOverflows)."),
                new("count", "How much it grew over the interval (for gauges: its value)."),
                new("interval", "The time between the two readings."),
            ],
            LikelyCauses =
            [
                "A SYN flood (TCPReqQFullDoCookies / TCPReqQFullDrop).",
                "An application not accepting fast enough (ListenOverflows).",
                "TCP memory exhaustion from many stuck or orphaned connections (TCPAbortOnMemory, TCPMemoryPressures).",
                "Too many flows for the conntrack table (Conntrack.fill_percent).",
            ],
            Checks =
            [
                "`uncloak counters --watch` to see whether it keeps moving.",
                "`uncloak sockets` for the per-peer and per-listener evidence behind it.",
            ],
            Actions =
            [
                "Follow the finding it points at (syn_recv_flood, accept_queue_full, zero_window_hold).",
                "Size the limit it hit: tcp_max_syn_backlog, somaxconn, tcp_mem, tcp_max_orphans, nf_conntrack_max.",
            ],
            Printing = "Counters are silent; some of these conditions also print a rate-limited kernel line (SYN flooding, out of memory, conntrack table full).",
            KernelSource = "include/uapi/linux/snmp.h, net/ipv4/proc.c snmp4_net_list[]",
            Examples = [],
        },
    ];
}
