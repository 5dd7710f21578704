namespace Uncloak.Core.Analysis;

/// <summary>
/// The local ports one peer touched, with counts: a small open-addressing table whose slots pack a port and its
/// count into one 64-bit word. Tens of thousands of peers each keep one, so it is lean — 8 bytes a port and one cache
/// line per lookup, where a <c>Dictionary&lt;ushort, long&gt;</c> took 30 bytes and two cache misses. Counts are 48
/// bits (saturating far beyond any log). Exact, whatever order parallel readers add in, as long as the analysis's
/// <see cref="PortBudget"/> lasts; past it (only a hostile log gets there) a port not yet held is only counted as
/// distinct, each time it is seen.
/// </summary>
public sealed class PortTally(PortBudget budget)
{
    private const int PortBits = 16;
    private const long MaxCount = (1L << (64 - PortBits)) - 1;

    private ulong[] _slots = new ulong[4];

    public PortTally()
        : this(new PortBudget(PortBudget.DefaultPairs))
    {
    }

    /// <summary>Ports held in the table.</summary>
    public int Count { get; private set; }

    /// <summary>Distinct ports seen (exact unless the budget ran out).</summary>
    public int Distinct { get; private set; }

    /// <summary>
    /// Counts <paramref name="weight"/> events to <paramref name="port"/> (never 0); true when the port was not held
    /// before and is now.
    /// </summary>
    public bool Add(ushort port, long weight)
    {
        var slots = _slots;
        int mask = slots.Length - 1;
        for (int i = Slot(port, mask); ; i = (i + 1) & mask)
        {
            ulong s = slots[i];
            if ((ushort)s == port)
            {
                slots[i] = Pack(port, Math.Min(MaxCount, CountOf(s) + weight));
                return false;
            }
            if (s == 0)
            {
                Distinct++;
                if (!budget.TryTake())
                {
                    return false;
                }
                slots[i] = Pack(port, Math.Min(MaxCount, weight));
                if (++Count * 4 > slots.Length * 3)
                {
                    Grow();
                }
                return true;
            }
        }
    }

    /// <summary>
    /// Takes in another table of the same peer (from another analysis); <paramref name="held"/>, when given, is told
    /// each port this table holds now and did not before.
    /// </summary>
    public void Merge(PortTally other, Action<ushort>? held = null)
    {
        foreach (var (port, count) in other.Entries())
        {
            if (Add(port, count))
            {
                held?.Invoke(port);
            }
        }
        // Ports the other side could not hold cannot be told apart from ours: count them as distinct.
        Distinct += other.Distinct - other.Count;
    }

    /// <summary>Calls <paramref name="each"/> with every port held.</summary>
    internal void ForEachPort(Action<ushort> each)
    {
        foreach (ulong s in _slots)
        {
            if (s != 0)
            {
                each((ushort)s);
            }
        }
    }

    /// <summary>The ports held, in no particular order.</summary>
    public IEnumerable<(ushort Port, long Count)> Entries()
    {
        for (int i = 0; i < _slots.Length; i++)
        {
            if (_slots[i] != 0)
            {
                yield return ((ushort)_slots[i], CountOf(_slots[i]));
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
        foreach (ulong s in _slots)
        {
            if (s == 0)
            {
                continue;
            }
            var entry = ((ushort)s, CountOf(s));
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
            for (int j = Math.Min(n, top.Length - 1); j > at; j--)
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

    private static ulong Pack(ushort port, long count) => ((ulong)count << PortBits) | port;

    private static long CountOf(ulong slot) => (long)(slot >> PortBits);

    private static int Slot(ushort port, int mask) => (int)((port * 0x9E3779B1u) >> 16) & mask;

    private void Grow()
    {
        var old = _slots;
        _slots = new ulong[old.Length * 2];
        int mask = _slots.Length - 1;
        foreach (ulong s in old)
        {
            if (s == 0)
            {
                continue;
            }
            int j = Slot((ushort)s, mask);
            while (_slots[j] != 0)
            {
                j = (j + 1) & mask;
            }
            _slots[j] = s;
        }
    }
}
