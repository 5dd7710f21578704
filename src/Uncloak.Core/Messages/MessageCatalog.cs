using System.Collections.Frozen;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>The explanations of every message family, by event kind.</summary>
public static class MessageCatalog
{
    public static IReadOnlyList<Explanation> Families { get; } =
    [
        TreasonMessage.Explanation,
        SynFloodMessage.Explanation,
        DropOpenRequestMessage.Explanation,
        ConntrackFullMessage.Explanation,
        TcpMemoryMessage.OutOfMemoryExplanation,
        TcpMemoryMessage.OrphansExplanation,
        TcpMemoryMessage.TimeWaitExplanation,
        NicLinkMessage.Explanation,
        NetdevWatchdogMessage.Explanation,
        NicHangMessage.Explanation,
        FirewallLogMessage.Explanation,
        MartianMessage.Explanation,
        NeighbourOverflowMessage.Explanation,
        RateLimitMessage.Explanation,
    ];

    private static readonly FrozenDictionary<EventKind, Explanation> ByKind = Families.ToFrozenDictionary(f => f.Kind);

    /// <summary>Explanations registered by other layers (host-signal findings) so explain and reports find them too.</summary>
    private static readonly Dictionary<EventKind, Explanation> Extra = [];

    public static Explanation? For(EventKind kind)
    {
        if (ByKind.TryGetValue(kind, out var e))
        {
            return e;
        }
        lock (Extra)
        {
            return Extra.GetValueOrDefault(kind);
        }
    }

    /// <summary>Adds the explanation of a kind produced outside the log catalog (socket findings, probes).</summary>
    public static void Register(Explanation explanation)
    {
        lock (Extra)
        {
            Extra[explanation.Kind] = explanation;
        }
    }
}
