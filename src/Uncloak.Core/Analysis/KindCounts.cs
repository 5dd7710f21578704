using System.Runtime.CompilerServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Counts per event kind. The log families (kinds below <see cref="InlineKinds"/>) are counted in the object itself,
/// the host-signal kinds in an array made on first use: tens of thousands of peers each have one, and counting an
/// event is one hop from the peer instead of two.
/// </summary>
public sealed class KindCounts
{
    private const int InlineKinds = 16;

    private Inline _inline;
    private long[]? _more;

    public long Total { get; private set; }

    public long this[EventKind kind]
    {
        get
        {
            int k = Math.Max(0, (int)kind);
            return k < InlineKinds ? _inline[k] : _more is { } more && k - InlineKinds < more.Length ? more[k - InlineKinds] : 0;
        }
    }

    public void Add(EventKind kind, long weight)
    {
        int k = Math.Max(0, (int)kind); // a corrupt store's negative kind counts as unknown rather than crashing
        if (k < InlineKinds)
        {
            _inline[k] += weight;
        }
        else
        {
            int m = k - InlineKinds;
            if (_more is null || m >= _more.Length)
            {
                Array.Resize(ref _more, Math.Max(m + 1, 8));
            }
            _more[m] += weight;
        }
        Total += weight;
    }

    /// <summary>Non-zero kinds, in catalog order.</summary>
    public IEnumerable<(EventKind Kind, long Count)> NonZero()
    {
        foreach (var kind in EventKinds.All)
        {
            long c = this[kind];
            if (c != 0)
            {
                yield return (kind, c);
            }
        }
    }

    [InlineArray(InlineKinds)]
    private struct Inline
    {
        private long _first;
    }
}
