using System.Collections.Frozen;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>The explanations of every message family, by event kind.</summary>
public static class MessageCatalog
{
    /// <summary>The explanations of the registered families (<see cref="MessageFamilies.All"/>), in their order.</summary>
    public static IReadOnlyList<Explanation> Families { get; } = [.. MessageFamilies.All.Select(f => f.Explanation)];

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
