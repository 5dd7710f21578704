using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>What one remote address did across the evidence.</summary>
public sealed class PeerStats(NetAddress address, PortBudget budget)
{
    public NetAddress Address { get; } = address;

    public KindCounts Counts { get; } = new();

    public DateTime First { get; private set; } = DateTime.MaxValue;

    public DateTime Last { get; private set; } = DateTime.MinValue;

    /// <summary>Local ports this peer touched, with counts.</summary>
    public PortTally LocalPorts { get; } = new(budget);

    public int DistinctLocalPorts => LocalPorts.Distinct;

    /// <summary>Counts one event; true when its local port is one this peer's table did not hold before.</summary>
    internal bool Add(EventKind kind, ushort localPort, DateTime time, long weight)
    {
        Counts.Add(kind, weight);
        See(time, time);
        return localPort != 0 && AddPort(localPort, weight);
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

    internal bool AddPort(ushort port, long weight) => LocalPorts.Add(port, weight);

    /// <summary>Takes in the same peer's statistics from another table; <paramref name="held"/> is told each port newly held.</summary>
    internal void Merge(PeerStats other, Action<ushort>? held = null)
    {
        foreach (var (kind, count) in other.Counts.NonZero())
        {
            Counts.Add(kind, count);
        }
        See(other.First == DateTime.MaxValue ? default : other.First, other.Last == DateTime.MinValue ? default : other.Last);
        LocalPorts.Merge(other.LocalPorts, held);
    }
}
