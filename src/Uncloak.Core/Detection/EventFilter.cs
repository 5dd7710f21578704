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

    /// <summary>Kinds whose sources the kernel cannot vouch for: half-open connections may come from forged addresses.</summary>
    public static bool IsSpoofable(EventKind kind) => kind is EventKind.SynFlood or EventKind.SynRecvFlood or EventKind.DropOpenRequest;

    public bool Matches(in NetEvent ev)
    {
        if (ev.Count < MinCount)
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
