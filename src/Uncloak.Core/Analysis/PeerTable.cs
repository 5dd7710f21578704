using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Every peer's statistics, shared by the readers of one analysis. Parallel readers of a big file used to fill one
/// table each and merge them: two copies of tens of thousands of peers and their port tables at the moment memory
/// peaks, and a serial merge after the parallel read. Here the table is split into stripes, each with its own lock;
/// two readers rarely want the same stripe, so a lock costs what an uncontended one does.
/// </summary>
internal sealed class PeerTable
{
    private const int Stripes = 256;

    private readonly Dictionary<NetAddress, PeerStats>[] _stripes = new Dictionary<NetAddress, PeerStats>[Stripes];
    private readonly Lock[] _locks = new Lock[Stripes];
    private readonly PortBudget _budget = new(PortBudget.DefaultPairs);
    private int _lastId;

    public PeerTable()
    {
        for (int i = 0; i < Stripes; i++)
        {
            _stripes[i] = [];
            _locks[i] = new Lock();
        }
    }

    /// <summary>Counts one event of <paramref name="ev"/>'s peer and returns the peer's <see cref="PeerStats.Id"/>.</summary>
    public int Add(in NetEvent ev, DateTime time, long weight)
    {
        int s = StripeOf(ev.Peer);
        lock (_locks[s])
        {
            var peer = Get(s, ev.Peer);
            peer.Add(ev, time, weight);
            return peer.Id;
        }
    }

    /// <summary>Runs <paramref name="update"/> on the peer's statistics, under its stripe's lock.</summary>
    public void Update(NetAddress peer, Action<PeerStats> update)
    {
        int s = StripeOf(peer);
        lock (_locks[s])
        {
            update(Get(s, peer));
        }
    }

    /// <summary>Takes in another table's peers (another analysis's, or a reader that did not share this one).</summary>
    public void Merge(PeerTable other)
    {
        for (int s = 0; s < Stripes; s++)
        {
            lock (_locks[s])
            {
                foreach (var (address, theirs) in other._stripes[s])
                {
                    ref var mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_stripes[s], address, out bool exists);
                    if (exists)
                    {
                        mine!.Merge(theirs);
                    }
                    else
                    {
                        mine = theirs;
                    }
                }
            }
        }
    }

    /// <summary>All peers; call only once the readers are done.</summary>
    public IEnumerable<PeerStats> All() => _stripes.SelectMany(s => s.Values);

    private PeerStats Get(int stripe, NetAddress address)
    {
        ref var peer = ref CollectionsMarshal.GetValueRefOrAddDefault(_stripes[stripe], address, out _);
        return peer ??= new PeerStats(address, _budget) { Id = Interlocked.Increment(ref _lastId) };
    }

    private static int StripeOf(NetAddress address) => (int)((uint)address.GetHashCode() % Stripes);
}
