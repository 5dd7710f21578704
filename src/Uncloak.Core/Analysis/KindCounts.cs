using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>Counts per event kind in a fixed array (kinds are bytes), cheap to keep per peer and per port.</summary>
public sealed class KindCounts
{
    private readonly long[] _counts = new long[64];

    public long Total { get; private set; }

    public long this[EventKind kind] => (int)kind < _counts.Length ? _counts[(int)kind] : 0;

    public void Add(EventKind kind, long weight)
    {
        if ((int)kind < _counts.Length)
        {
            _counts[(int)kind] += weight;
            Total += weight;
        }
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
