namespace Uncloak.Core.Audit;

/// <summary>`struct ethtool_pauseparam`: whether pause frames are negotiated, honoured (rx) and sent (tx).</summary>
public sealed record PauseSettings(bool Autoneg, bool Rx, bool Tx);
