using Uncloak.Core.Messages.Families;
using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary>
/// The registration of every kernel message family, in the order reports list kinds. Adding a family is one
/// line here (see README.md in this folder).
/// </summary>
public static class MessageFamilies
{
    public static IReadOnlyList<MessageFamily> All { get; } =
    [
        new TreasonFamily(),
        new SynFloodFamily(),
        new DropOpenRequestFamily(),
        new ConntrackFullFamily(),
        new TcpOutOfMemoryFamily(),
        new TooManyOrphansFamily(),
        new TimeWaitOverflowFamily(),
        new NicLinkFamily(),
        new NetdevWatchdogFamily(),
        new NicHangFamily(),
        new FirewallLogFamily(),
        new MartianFamily(),
        new NeighbourOverflowFamily(),
        new RateLimitFamily(),
        new IllegalWindowScaleFamily(),
    ];

    private static readonly MessageFamily?[] ByKind = BuildByKind();

    /// <summary>The family that produces <paramref name="kind"/>, or null for kinds from other sources (sockets, counters, probes).</summary>
    public static MessageFamily? For(EventKind kind) => ByKind[(byte)kind];

    private static MessageFamily?[] BuildByKind()
    {
        var table = new MessageFamily?[256];
        foreach (var family in All)
        {
            if (table[(byte)family.Kind] is not null)
            {
                throw new InvalidOperationException($"Two message families produce {family.Kind}.");
            }
            table[(byte)family.Kind] = family;
        }
        return table;
    }
}
