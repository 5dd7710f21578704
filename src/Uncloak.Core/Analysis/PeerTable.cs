using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Every peer's statistics, shared by the readers of one analysis. Parallel readers of a big file used to fill one
/// table each and merge them: two copies of tens of thousands of peers and their port tables at the moment memory
/// peaks, and a serial merge after the parallel read. Here the table is split into stripes, each with its own lock,
/// and readers count their events a <see cref="PeerBatch"/> at a time, taking each stripe's lock once for the batch's
/// events in it.
/// </summary>
/// <remarks>
/// A peer event is one lookup among tens of thousands of peers, so its cost is cache misses, not instructions: each
/// stripe is one open-addressing array whose slot holds the address beside its statistics (a dictionary reads a
/// bucket array, then an entry array), and the address is hashed once for both the stripe (top bits) and the slot
/// (low bits). The hash is the address's own, seeded per process, so a log of chosen addresses cannot pile them into
/// one run of slots.
/// </remarks>
internal sealed class PeerTable
{
    // Sixteen: a batch of a thousand events takes each lock for some sixty of them, and two readers rarely meet.
    private const int StripeBits = 4;
    private const int Stripes = 1 << StripeBits;

    private readonly Stripe[] _stripes = new Stripe[Stripes];
    private readonly PortBudget _budget = new(PortBudget.DefaultPairs);

    // How many peers' port tables hold each local port, counted as a table first holds the port (by an event or a
    // merge): the report used to walk every peer's table for it after the read, ≈ 8 ms of its tail on one core for the
    // 22,000 peers of the 2 M-line dense log (issue 18 item 6).
    private readonly int[] _peersPerPort = new int[65536];
    private readonly Action<ushort> _held;

    public PeerTable()
    {
        for (int i = 0; i < Stripes; i++)
        {
            _stripes[i] = new Stripe();
        }
        _held = port => Interlocked.Increment(ref _peersPerPort[port]);
    }

    /// <summary>
    /// Counts a reader's batch (<see cref="PeerBatch"/>): its events ordered by stripe in <paramref name="order"/> (as long
    /// as the batch), then each stripe's taken under its lock at once.
    /// </summary>
    internal void Add(ReadOnlySpan<PeerBatch.Entry> batch, Span<int> order)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(batch.Length, PeerBatch.Size); // its ports are held on the stack
        ArgumentOutOfRangeException.ThrowIfLessThan(order.Length, batch.Length);
        Span<int> starts = stackalloc int[Stripes + 1];
        starts.Clear();
        foreach (ref readonly var e in batch)
        {
            starts[StripeOf(e.Hash) + 1]++;
        }
        for (int s = 1; s <= Stripes; s++)
        {
            starts[s] += starts[s - 1];
        }
        Span<int> next = stackalloc int[Stripes];
        starts[..Stripes].CopyTo(next);
        for (int i = 0; i < batch.Length; i++)
        {
            order[next[StripeOf(batch[i].Hash)]++] = i;
        }
        // Readers flushing at the same moment would otherwise walk the stripes in step, each waiting on the other's lock.
        int from = Environment.CurrentManagedThreadId;
        Span<ushort> held = stackalloc ushort[batch.Length];
        int newlyHeld = 0;
        for (int n = 0; n < Stripes; n++)
        {
            int s = (from + n) & (Stripes - 1);
            if (starts[s] == starts[s + 1])
            {
                continue;
            }
            var stripe = _stripes[s];
            lock (stripe.Gate)
            {
                for (int j = starts[s]; j < starts[s + 1]; j++)
                {
                    ref readonly var e = ref batch[order[j]];
                    var peer = stripe.Get(e.Peer, e.Hash) ?? stripe.Insert(New(e.Peer), e.Hash);
                    if (peer.Add(e.Kind, e.LocalPort, e.Time, e.Weight))
                    {
                        held[newlyHeld++] = e.LocalPort;
                    }
                }
            }
        }
        // Counted after the batch, not as each port is held: an interlocked instruction amid the batch stalled the loads
        // of the events after it until the misses before it were done.
        foreach (ushort port in held[..newlyHeld])
        {
            Interlocked.Increment(ref _peersPerPort[port]);
        }
    }

    /// <summary>Counts a stored aggregate of the peer's events (no port: aggregates keep none per peer).</summary>
    public void AddAggregate(NetAddress peer, EventKind kind, long count, DateTime first, DateTime last)
    {
        int hash = peer.GetHashCode();
        var stripe = _stripes[StripeOf(hash)];
        lock (stripe.Gate)
        {
            var stats = stripe.Get(peer, hash) ?? stripe.Insert(New(peer), hash);
            stats.Counts.Add(kind, count);
            stats.See(first, last);
        }
    }

    /// <summary>Takes in another table's peers (another analysis's, or a reader that did not share this one).</summary>
    public void Merge(PeerTable other)
    {
        foreach (var theirs in other.All())
        {
            int hash = theirs.Address.GetHashCode();
            var stripe = _stripes[StripeOf(hash)];
            lock (stripe.Gate)
            {
                if (stripe.Get(theirs.Address, hash) is { } mine)
                {
                    mine.Merge(theirs, _held);
                }
                else
                {
                    stripe.Insert(theirs, hash);
                    theirs.LocalPorts.ForEachPort(_held);
                }
            }
        }
    }

    /// <summary>
    /// How many peers' tables hold each local port (an array by port; a port past the <see cref="PortBudget"/> is not
    /// held, so not counted); call only once the readers are done.
    /// </summary>
    public int[] PeersPerPort() => _peersPerPort;

    /// <summary>How many peers there are; call only once the readers are done.</summary>
    public int Count => _stripes.Sum(stripe => stripe.Count);

    /// <summary>All peers; call only once the readers are done.</summary>
    public IEnumerable<PeerStats> All()
    {
        foreach (var stripe in _stripes)
        {
            foreach (var slot in stripe.Slots)
            {
                if (slot.Stats is { } peer)
                {
                    yield return peer;
                }
            }
        }
    }

    private PeerStats New(NetAddress address) => new(address, _budget);

    private static int StripeOf(int hash) => (int)((uint)hash >> (32 - StripeBits));

    private sealed class Stripe
    {
        public readonly Lock Gate = new();

        public Slot[] Slots = new Slot[8];

        private int _count;

        public int Count => _count;

        public PeerStats? Get(NetAddress address, int hash)
        {
            var slots = Slots;
            int mask = slots.Length - 1;
            for (int i = hash & mask; ; i = (i + 1) & mask)
            {
                ref var slot = ref slots[i];
                if (slot.Stats is null)
                {
                    return null;
                }
                if (slot.Address == address)
                {
                    return slot.Stats;
                }
            }
        }

        /// <summary>Adds a peer not in the stripe (the caller has looked).</summary>
        public PeerStats Insert(PeerStats peer, int hash)
        {
            if (++_count * 4 > Slots.Length * 3)
            {
                Grow();
            }
            Place(Slots, peer, hash);
            return peer;
        }

        private static void Place(Slot[] slots, PeerStats peer, int hash)
        {
            int mask = slots.Length - 1;
            int i = hash & mask;
            while (slots[i].Stats is not null)
            {
                i = (i + 1) & mask;
            }
            slots[i] = new Slot(peer.Address, peer);
        }

        private void Grow()
        {
            var bigger = new Slot[Slots.Length * 2];
            foreach (var slot in Slots)
            {
                if (slot.Stats is { } peer)
                {
                    Place(bigger, peer, peer.Address.GetHashCode());
                }
            }
            Slots = bigger;
        }
    }

    private readonly record struct Slot(NetAddress Address, PeerStats? Stats);
}
