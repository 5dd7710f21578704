namespace Uncloak.Firewall.Nftables;

/// <summary>What nftables answered: success, its output (JSON for list commands) and its error text.</summary>
public readonly record struct NftResult(bool Ok, string Output, string Error);
