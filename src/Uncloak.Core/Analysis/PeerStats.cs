using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>What one remote address did across the evidence.</summary>
public sealed class PeerStats(NetAddress address)
{
    public NetAddress Address { get; } = address;

    public KindCounts Counts { get; } = new();

    public DateTime First { get; private set; } = DateTime.MaxValue;

    public DateTime Last { get; private set; } = DateTime.MinValue;

    /// <summary>Local ports this peer touched, with counts (bounded: a scanner hits thousands).</summary>
    public Dictionary<ushort, long> LocalPorts { get; } = [];

    public int DistinctLocalPorts { get; private set; }

    internal void Add(in NetEvent ev, DateTime time, long weight)
    {
        Counts.Add(ev.Kind, weight);
        See(time, time);
        if (ev.LocalPort != 0)
        {
            AddPort(ev.LocalPort, weight);
        }
    }

    internal void See(DateTime first, DateTime last)
    {
        if (first != default && first < First)
        {
            First = first;
        }
        if (last != default && last > Last)
        {
            Last = last;
        }
    }

    /// <summary>Counts a port; beyond 256 distinct ports only the number of distinct ports keeps growing (a scanner hits thousands).</summary>
    internal void AddPort(ushort port, long weight)
    {
        ref long n = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrNullRef(LocalPorts, port);
        if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref n))
        {
            n += weight;
            return;
        }
        DistinctLocalPorts++;
        if (LocalPorts.Count < 256)
        {
            LocalPorts[port] = weight;
        }
    }

    internal void Merge(PeerStats other)
    {
        foreach (var (kind, count) in other.Counts.NonZero())
        {
            Counts.Add(kind, count);
        }
        See(other.First == DateTime.MaxValue ? default : other.First, other.Last == DateTime.MinValue ? default : other.Last);
        foreach (var (port, count) in other.LocalPorts)
        {
            AddPort(port, count);
        }
        // Ports the other side saw beyond its table cannot be told apart from ours: count them as distinct.
        DistinctLocalPorts += Math.Max(0, other.DistinctLocalPorts - other.LocalPorts.Count);
    }
}
