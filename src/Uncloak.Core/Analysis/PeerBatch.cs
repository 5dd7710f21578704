using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One reader's peer events on their way to the shared <see cref="PeerTable"/>, counted a batch at a time.
/// </summary>
/// <remarks>
/// Counting a peer event is a chain of dependent cache misses (the stripe's slot, the peer, its counts, its port
/// table), and one at a time each chain sat between a lock's acquire and release, whose interlocked instructions let
/// no load of the next event start before the last one had ended. A batch takes each stripe's lock once for all of its
/// events, and between them the processor overlaps one event's misses with the next one's: on the 2 M-line dense log
/// (300,000 firewall lines from 20,000 scanners over 49,000 ports) the whole run took 5–10 % less time (issue 18,
/// item 6; docs/PERFORMANCE.md, stop 34).
/// Counts, ports and first and last times add up the same in any order, so nothing a report shows depends on when a
/// batch is counted, only that it is counted before the table is read: the builder flushes at merge and build.
/// Not thread-safe: one per reader.
/// </remarks>
internal sealed class PeerBatch
{
    /// <summary>Events held before they are counted: 48 KiB, in the cache the reader works in, and not a large object.</summary>
    public const int Size = 1024;

    private readonly Entry[] _entries = new Entry[Size];
    private readonly int[] _order = new int[Size];
    private int _count;

    public int Count => _count;

    /// <summary>Holds one event of <paramref name="peer"/>'s; true when the batch is full and must be counted.</summary>
    public bool Add(NetAddress peer, EventKind kind, ushort localPort, DateTime time, long weight)
    {
        ref var e = ref _entries[_count++];
        e.Peer = peer;
        e.Hash = peer.GetHashCode();
        e.Kind = kind;
        e.LocalPort = localPort;
        e.Time = time;
        e.Weight = weight;
        return _count == Size;
    }

    /// <summary>Counts the events held into <paramref name="table"/> and empties the batch.</summary>
    public void Flush(PeerTable table)
    {
        if (_count == 0)
        {
            return;
        }
        table.Add(_entries.AsSpan(0, _count), _order);
        _count = 0;
    }

    /// <summary>A peer event held, with its address's hash (which picks both the stripe and the slot).</summary>
    internal struct Entry
    {
        public NetAddress Peer;
        public DateTime Time;
        public long Weight;
        public int Hash;
        public EventKind Kind;
        public ushort LocalPort;
    }
}
