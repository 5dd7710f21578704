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
        if (time != default)
        {
            if (time < First)
            {
                First = time;
            }
            if (time > Last)
            {
                Last = time;
            }
        }
        if (ev.LocalPort != 0)
        {
            if (LocalPorts.TryGetValue(ev.LocalPort, out long n))
            {
                LocalPorts[ev.LocalPort] = n + weight;
            }
            else
            {
                DistinctLocalPorts++;
                if (LocalPorts.Count < 64)
                {
                    LocalPorts[ev.LocalPort] = weight;
                }
            }
        }
    }
}
