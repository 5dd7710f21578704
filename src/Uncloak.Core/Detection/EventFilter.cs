using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>Which events a scenario counts. Every given condition must hold; an empty set means "any".</summary>
public sealed record EventFilter
{
    public required IReadOnlySet<EventKind> Kinds { get; init; }

    /// <summary>Allowed (kind, form) pairs; empty means every form. See <see cref="FormNames"/>.</summary>
    public IReadOnlySet<(EventKind Kind, byte Form)> Forms { get; init; } = new HashSet<(EventKind, byte)>();

    /// <summary>Only these local ports (empty: any).</summary>
    public IReadOnlySet<ushort> LocalPorts { get; init; } = new HashSet<ushort>();

    /// <summary>TCP flags that must all be set (firewall log lines).</summary>
    public TcpFlags TcpFlagsAll { get; init; }

    /// <summary>TCP flags that must all be clear.</summary>
    public TcpFlags TcpFlagsNone { get; init; }

    /// <summary>
    /// Only events whose <see cref="NetEvent.Count"/> is at least this (0: any): a zero-window hold of many sockets at once,
    /// a flood of many half-open connections. Lets a scenario act faster on evidence that no single slow client produces.
    /// </summary>
    public int MinCount { get; init; }

    /// <summary>
    /// Only zero-window holds whose peer has kept the window shut at least this long (the event's longest stall,
    /// <c>stalled_ms</c>); other kinds pass (zero: any). A reader that is merely slow or paused for a moment shuts its
    /// window for seconds; a holder keeps it shut for minutes, so this keeps a one-socket scenario off legitimate clients.
    /// </summary>
    public TimeSpan MinHeld { get; init; }

    /// <summary>
    /// Kinds whose sources the kernel cannot vouch for. Half-open connections may come from forged addresses; so may
    /// every packet a firewall LOG rule printed (issue 17, item 1: eleven forged SYNs got any chosen address banned).
    /// A LOG line carries only what the sender wrote (addresses, ports, TTL, ID, window, flags, and with
    /// <c>--log-tcp-sequence</c> SEQ and ACK): no flag or field proves that the source received anything from us.
    /// A bare SYN is the forger's tool, and ACK, RST or FIN are sent blind as easily (a RST-ACK is what a host sends
    /// back to a forged SYN: banning backscatter bans the forger's victims). Evidence from the socket table (an
    /// established connection, a zero window held) proves a completed handshake, and may ban. The wire's storms and odd
    /// packets are packets as sent, forgeable as LOG lines are, and so is an ICMP flood's source.
    /// </summary>
    public static bool IsSpoofable(EventKind kind)
        => kind is EventKind.SynFlood or EventKind.SynRecvFlood or EventKind.DropOpenRequest or EventKind.FirewallLog
            or EventKind.RstStorm or EventKind.RetransmitStorm or EventKind.OddPacket or EventKind.IcmpFlood;

    public bool Matches(in NetEvent ev)
    {
        if (ev.Count < MinCount)
        {
            return false;
        }
        if (MinHeld > TimeSpan.Zero && ev.Kind == EventKind.ZeroWindowHold && ev.Millis < MinHeld.TotalMilliseconds)
        {
            return false;
        }
        if (Forms.Count > 0 && HasFormsFor(ev.Kind) && !Forms.Contains((ev.Kind, ev.Form)))
        {
            return false;
        }
        if (LocalPorts.Count > 0 && !LocalPorts.Contains(ev.LocalPort))
        {
            return false;
        }
        if (TcpFlagsAll != TcpFlags.None && (ev.TcpFlags & TcpFlagsAll) != TcpFlagsAll)
        {
            return false;
        }
        if (TcpFlagsNone != TcpFlags.None && (ev.TcpFlags & TcpFlagsNone) != 0)
        {
            return false;
        }
        return true;
    }

    private bool HasFormsFor(EventKind kind)
    {
        foreach (var (k, _) in Forms)
        {
            if (k == kind)
            {
                return true;
            }
        }
        return false;
    }
}
