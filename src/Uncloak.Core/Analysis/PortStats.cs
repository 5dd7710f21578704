namespace Uncloak.Core.Analysis;

/// <summary>What happened on one local port.</summary>
public sealed class PortStats(ushort port)
{
    public ushort Port { get; } = port;

    public KindCounts Counts { get; } = new();

    /// <summary>Distinct peers that touched the port, derived at build time from each peer's own port table.</summary>
    public int DistinctPeers { get; internal set; }
}
