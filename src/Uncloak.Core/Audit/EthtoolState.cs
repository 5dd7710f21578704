namespace Uncloak.Core.Audit;

/// <summary>The driver's answers to the SIOCETHTOOL ioctl (GDRVINFO, GLINKSETTINGS or GSET, GPAUSEPARAM, GSTRINGS + GSTATS). Any part may be null: drivers implement what they like.</summary>
public sealed record EthtoolState
{
    public string? Driver { get; init; }

    /// <summary>Link speed in Mb/s as the driver reports it in the link settings; null when unknown (SPEED_UNKNOWN, link down).</summary>
    public int? SpeedMbps { get; init; }

    /// <summary>Duplex as the driver reports it in the link settings.</summary>
    public Events.Duplex Duplex { get; init; }

    /// <summary>Autonegotiation on this side (`autoneg` of the link settings).</summary>
    public bool? Autoneg { get; init; }

    /// <summary>Link modes this NIC supports, by ethtool's names ("1000baseT_Full", "Autoneg", "Pause", …).</summary>
    public IReadOnlyList<string> Supported { get; init; } = [];

    /// <summary>Link modes this NIC advertises to its link partner.</summary>
    public IReadOnlyList<string> Advertised { get; init; } = [];

    /// <summary>Link modes the link partner advertised during autonegotiation; empty when the partner did not negotiate or the driver does not say.</summary>
    public IReadOnlyList<string> LinkPartner { get; init; } = [];

    /// <summary>Pause (802.3x flow control) settings; null when the driver has no get_pauseparam.</summary>
    public PauseSettings? Pause { get; init; }

    /// <summary>Driver statistics (GSTRINGS ETH_SS_STATS + GSTATS) by the driver's names; names vary by driver.</summary>
    public IReadOnlyDictionary<string, long> Statistics { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
