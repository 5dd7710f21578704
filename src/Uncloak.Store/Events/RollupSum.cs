using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Adds up stored aggregates that share a key (source, kind, scope, clock, minute, peer, port): the blocks of several
/// readers and runs, and the rows written before blocks (<see cref="EventReader.ReadRollups(SqliteStore)"/>). Counts add, the
/// first and last minutes widen.
/// </summary>
internal sealed class RollupSum
{
    private readonly Dictionary<Key, (long Count, long First, long Last)> _sums = [];

    public void AddAll(IEnumerable<RollupRecord> records)
    {
        foreach (var r in records)
        {
            ref var sum = ref CollectionsMarshal.GetValueRefOrAddDefault(_sums,
                new Key(r.SourceId, r.Kind, r.Scope, r.Uptime, r.Minute, r.Peer, r.Port), out bool exists);
            sum = exists ? (sum.Count + r.Count, Math.Min(sum.First, r.FirstMinute), Math.Max(sum.Last, r.LastMinute)) : (r.Count, r.FirstMinute, r.LastMinute);
        }
    }

    /// <summary>The sums by scope and minute, then as the rollups table's key orders them.</summary>
    public List<RollupRecord> InKeyOrder()
    {
        var records = _sums.Select(s => new RollupRecord(s.Key.Source, s.Key.Kind, s.Key.Scope, s.Key.Uptime, s.Key.Minute, s.Key.Peer, s.Key.Port,
            s.Value.Count, s.Value.First, s.Value.Last)).ToList();
        records.Sort(static (a, b) =>
        {
            int c = a.Scope.CompareTo(b.Scope);
            c = c != 0 ? c : a.Minute.CompareTo(b.Minute);
            c = c != 0 ? c : a.SourceId.CompareTo(b.SourceId);
            c = c != 0 ? c : a.Kind.CompareTo(b.Kind);
            c = c != 0 ? c : a.Uptime.CompareTo(b.Uptime);
            c = c != 0 ? c : a.Peer.CompareTo(b.Peer);
            return c != 0 ? c : a.Port.CompareTo(b.Port);
        });
        return records;
    }

    private readonly record struct Key(int Source, EventKind Kind, RollupScope Scope, bool Uptime, long Minute, NetAddress Peer, ushort Port);
}
