using Uncloak.Firewall.Iptables;
using Uncloak.Firewall.Nftables;

namespace Uncloak.Firewall;

/// <summary>Which backend enforces bans: nftables when present, iptables+ipset otherwise, or the one asked for.</summary>
public static class BanEnforcers
{
    /// <summary>
    /// Opens <paramref name="backend"/> ("auto", "nftables", "iptables"). Throws <see cref="FirewallException"/>
    /// naming the missing package when the backend cannot run here.
    /// </summary>
    public static IBanEnforcer Open(string backend)
    {
        switch (backend)
        {
            case "auto":
            case "nftables":
                if (NftablesClient.Open() is { } nft)
                {
                    return new NftBanEnforcer(nft);
                }
                if (backend == "nftables")
                {
                    throw new FirewallException("nftables is not installed (neither libnftables.so.1 nor the nft program); install the nftables package");
                }
                return IpsetBanEnforcer.TryCreate()
                    ?? throw new FirewallException("no firewall backend: install nftables (preferred) or iptables and ipset");
            case "iptables":
                return IpsetBanEnforcer.TryCreate()
                    ?? throw new FirewallException("the iptables backend needs the iptables and ipset packages");
            default:
                throw new ArgumentException($"unknown backend '{backend}' (auto, nftables, iptables)", nameof(backend));
        }
    }
}
