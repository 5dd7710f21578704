using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Counts per event kind, in an array as long as the highest kind seen (most peers and ports see one or
/// two kinds, so this stays a few dozen bytes for each of the tens of thousands of them).
/// </summary>
public sealed class KindCounts
{
    private long[] _counts = [];

    public long Total { get; private set; }

    public long this[EventKind kind] => (int)kind < _counts.Length ? _counts[(int)kind] : 0;

    public void Add(EventKind kind, long weight)
    {
        int k = (int)kind;
        if (k >= _counts.Length)
        {
            Array.Resize(ref _counts, Math.Max(k + 1, 12));
        }
        _counts[k] += weight;
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
}
