namespace Uncloak.Core.Analysis;

/// <summary>
/// The local ports one peer touched, with counts: a small open-addressing table of port numbers and counts.
/// Tens of thousands of peers each keep one, so it is lean — 10 bytes a port, one probe in a contiguous array — where
/// a <c>Dictionary&lt;ushort, long&gt;</c> took 30 and two cache misses. Exact, whatever order parallel readers add in,
/// as long as the analysis's <see cref="PortBudget"/> lasts; past it (only a hostile log gets there) a port not yet
/// held is only counted as distinct, each time it is seen.
/// </summary>
public sealed class PortTally(PortBudget budget)
{
    private ushort[] _ports = new ushort[4];
    private long[] _counts = new long[4];

    public PortTally()
        : this(new PortBudget(PortBudget.DefaultPairs))
    {
    }

    /// <summary>Ports held in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Distinct ports seen (exact unless the budget ran out).</summary>
    public int Distinct { get; private set; }

    /// <summary>Counts <paramref name="weight"/> events to <paramref name="port"/> (never 0).</summary>
    public void Add(ushort port, long weight)
    {
        int mask = _ports.Length - 1;
        for (int i = Slot(port, mask); ; i = (i + 1) & mask)
        {
            ushort p = _ports[i];
            if (p == port)
            {
                _counts[i] += weight;
                return;
            }
            if (p == 0)
            {
                Distinct++;
                if (!budget.TryTake())
                {
                    return;
                }
                _ports[i] = port;
                _counts[i] = weight;
                if (++Count * 4 > _ports.Length * 3)
                {
                    Grow();
                }
                return;
            }
        }
    }

    /// <summary>Takes in another table of the same peer (from another analysis).</summary>
    public void Merge(PortTally other)
    {
        for (int i = 0; i < other._ports.Length; i++)
        {
            if (other._ports[i] != 0)
            {
                Add(other._ports[i], other._counts[i]);
            }
        }
        // Ports the other side could not hold cannot be told apart from ours: count them as distinct.
        Distinct += other.Distinct - other.Count;
    }

    /// <summary>The table's slots: the ports held, and zeros for free slots.</summary>
    internal ReadOnlySpan<ushort> Slots => _ports;

    /// <summary>The ports held, in no particular order.</summary>
    public IEnumerable<(ushort Port, long Count)> Entries()
    {
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i] != 0)
            {
                yield return (_ports[i], _counts[i]);
            }
        }
    }

    /// <summary>The <paramref name="n"/> most touched ports, most first (ties: lower port first).</summary>
    public (ushort Port, long Count)[] Top(int n)
    {
        var top = new (ushort Port, long Count)[Math.Min(n, Count)];
        return top[..CopyTop(top)];
    }

    /// <summary>
    /// Fills <paramref name="top"/> with the most touched ports, most first (ties: lower port first), and returns how
    /// many it filled. No allocation: reports call it for every one of tens of thousands of peers.
    /// </summary>
    public int CopyTop(Span<(ushort Port, long Count)> top)
    {
        int n = 0;
        for (int i = 0; i < _ports.Length; i++)
        {
            if (_ports[i] == 0)
            {
                continue;
            }
            var entry = (_ports[i], _counts[i]);
            // Insertion into a short sorted prefix: the table is scanned once.
            int at = n;
            while (at > 0 && Before(entry, top[at - 1]))
            {
                at--;
            }
            if (at >= top.Length)
            {
                continue;
            }
            int last = Math.Min(n, top.Length - 1);
            for (int j = last; j > at; j--)
            {
                top[j] = top[j - 1];
            }
            top[at] = entry;
            n = Math.Min(n + 1, top.Length);
        }
        return n;
    }

    private static bool Before((ushort Port, long Count) a, (ushort Port, long Count) b)
        => a.Count > b.Count || (a.Count == b.Count && a.Port < b.Port);

    private static int Slot(ushort port, int mask) => (int)((port * 0x9E3779B1u) >> 16) & mask;

    private void Grow()
    {
        var ports = _ports;
        var counts = _counts;
        _ports = new ushort[ports.Length * 2];
        _counts = new long[ports.Length * 2];
        int mask = _ports.Length - 1;
        for (int i = 0; i < ports.Length; i++)
        {
            if (ports[i] == 0)
            {
                continue;
            }
            int j = Slot(ports[i], mask);
            while (_ports[j] != 0)
            {
                j = (j + 1) & mask;
            }
            _ports[j] = ports[i];
            _counts[j] = counts[i];
        }
    }
}
