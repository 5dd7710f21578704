namespace Uncloak.Core.Sockets;

/// <summary>The timer pending on a socket, as inet_diag's <c>idiag_timer</c> reports it (net/ipv4/inet_diag.c).</summary>
public enum SocketTimer : byte
{
    None = 0,

    /// <summary>Retransmit, RACK reorder or loss probe; <c>idiag_retrans</c> is <c>icsk_retransmits</c>.</summary>
    Retransmit = 1,

    /// <summary>Keepalive (sk_timer); <c>idiag_retrans</c> is <c>icsk_probes_out</c>.</summary>
    Keepalive = 2,

    TimeWait = 3,

    /// <summary>Zero-window probe (persist) timer: the peer's window is closed; <c>idiag_retrans</c> is <c>icsk_probes_out</c>.</summary>
    Persist = 4,
}
