namespace Uncloak.Core.Analysis;

/// <summary>What happened on one local port.</summary>
public sealed class PortStats(ushort port)
{
    public ushort Port { get; } = port;

    public KindCounts Counts { get; } = new();

    /// <summary>
    /// Distinct peers that touched the port, derived at build time from each peer's own port table (a peer keeps
    /// up to 256 ports, so a scanner's 257th port is not counted here: a small undercount on obscure ports).
    /// </summary>
    public int DistinctPeers { get; internal set; }
}
