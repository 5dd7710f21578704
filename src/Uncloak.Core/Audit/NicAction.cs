namespace Uncloak.Core.Audit;

/// <summary>What --nic can change on an interface.</summary>
public enum NicAction
{
    /// <summary>Stop honouring and sending 802.3x pause frames (ETHTOOL_SPAUSEPARAM autoneg=0 rx=0 tx=0).</summary>
    DisablePause,

    /// <summary>Turn autonegotiation on, advertising every supported mode (ETHTOOL_SLINKSETTINGS).</summary>
    EnableAutoneg,
}
