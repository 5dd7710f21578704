using Uncloak.Firewall.Iptables;
using Uncloak.Firewall.Nftables;
using Uncloak.Core.Decisions;

namespace Uncloak.Firewall;

/// <summary>Which backend enforces bans: nftables when present, iptables+ipset otherwise, or the one asked for.</summary>
public static class FirewallBackends
{
    /// <summary>Opens the backend named <paramref name="backend"/> (<c>auto</c>, <c>nftables</c>, <c>iptables</c>); see <see cref="Open(FirewallBackend)"/>.</summary>
    public static IFirewallBackend Open(string backend)
        => FirewallBackendNames.TryParse(backend, out var b) && b != FirewallBackend.Off
            ? Open(b)
            : throw new ArgumentException($"unknown backend '{backend}' (auto, nftables, iptables)", nameof(backend));

    /// <summary>
    /// Opens <paramref name="backend"/>. Throws <see cref="FirewallException"/> naming the missing package when the
    /// backend cannot run here, <see cref="ArgumentException"/> for <see cref="FirewallBackend.Off"/>.
    /// </summary>
    public static IFirewallBackend Open(FirewallBackend backend)
    {
        switch (backend)
        {
            case FirewallBackend.Auto:
            case FirewallBackend.Nftables:
                if (NftablesClient.Open() is { } nft)
                {
                    // Opened here, on the thread that opened libnftables' context, so both talk to the same namespace.
                    // With the nft program (no libnftables) every change stays in nft's hands, as before.
                    return new NftFirewallBackend(nft, nft is LibNftablesClient ? SetElementSocket.TryOpen() : null);
                }
                if (backend == FirewallBackend.Nftables)
                {
                    throw new FirewallException("nftables is not installed (neither libnftables.so.1 nor the nft program); install the nftables package");
                }
                return IpsetFirewallBackend.TryCreate()
                    ?? throw new FirewallException("no firewall backend: install nftables (preferred) or iptables and ipset");
            case FirewallBackend.Iptables:
                return IpsetFirewallBackend.TryCreate()
                    ?? throw new FirewallException("the iptables backend needs the iptables and ipset packages");
            default:
                throw new ArgumentException("no backend to open: bans are recorded only", nameof(backend));
        }
    }
}
