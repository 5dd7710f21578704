namespace Uncloak.Core.Decisions;

/// <summary>
/// Which firewall enforces bans. The one list of backends: the config key <c>firewall</c>, <c>watch --firewall</c> and
/// <c>bans --backend</c> all parse into it (<see cref="FirewallBackendNames"/>).
/// </summary>
public enum FirewallBackend
{
    /// <summary>nftables when installed, iptables+ipset otherwise.</summary>
    Auto,

    /// <summary>nftables (libnftables, or the nft program).</summary>
    Nftables,

    /// <summary>iptables with ipset.</summary>
    Iptables,

    /// <summary>No backend: bans are recorded only (the daemon's <c>firewall: off</c>).</summary>
    Off,
}
