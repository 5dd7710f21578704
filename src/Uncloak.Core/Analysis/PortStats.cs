namespace Uncloak.Core.Analysis;

/// <summary>What happened on one local port.</summary>
public sealed class PortStats(ushort port)
{
    public ushort Port { get; } = port;

    public KindCounts Counts { get; } = new();

    /// <summary>Beyond this many distinct peers a port reports "at least" this many.</summary>
    public const int MaxTrackedPeers = 10_000;

    internal HashSet<Events.NetAddress> Peers { get; } = [];

    public int DistinctPeers => Peers.Count;
}
