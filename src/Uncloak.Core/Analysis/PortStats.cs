namespace Uncloak.Core.Analysis;

/// <summary>What happened on one local port.</summary>
public sealed class PortStats(ushort port)
{
    public ushort Port { get; } = port;

    public KindCounts Counts { get; } = new();

    internal HashSet<Events.NetAddress> Peers { get; } = [];

    public int DistinctPeers => Peers.Count;
}
