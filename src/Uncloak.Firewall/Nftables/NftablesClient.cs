namespace Uncloak.Firewall.Nftables;

/// <summary>Picks how to talk to nftables: libnftables first, the nft program as a fallback.</summary>
public static class NftablesClient
{
    /// <summary>
    /// Opens libnftables, or the nft program when the library is missing or UNCLOAK_NFT=process. Returns null
    /// when neither is installed (the caller reports an environment error, or uses the iptables backend).
    /// </summary>
    public static INftables? Open()
    {
        bool forceProcess = string.Equals(Environment.GetEnvironmentVariable("UNCLOAK_NFT"), "process", StringComparison.Ordinal);
        if (!forceProcess && LibNftablesClient.TryOpen() is { } lib)
        {
            return lib;
        }
        return Tool.Locate("nft") is { } nft ? new NftProcessClient(nft) : null;
    }

    /// <summary>libnftables only: a context bound to the calling thread's namespace (the nft program would run in the process's).</summary>
    public static INftables? OpenInProcess() => LibNftablesClient.TryOpen();
}
