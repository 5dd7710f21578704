namespace Uncloak.Firewall.Nftables;

/// <summary>
/// A way to talk to nftables: libnftables in-process, or the <c>nft</c> program. Each call is one
/// transaction: all of it happens or none of it. Not thread-safe; the namespace is the caller thread's
/// (in-process) or the process's (nft).
/// </summary>
public interface INftables : IDisposable
{
    /// <summary>"libnftables" or "nft".</summary>
    string Name { get; }

    /// <summary>Runs a JSON document (<c>{"nftables":[…]}</c>) as one transaction.</summary>
    NftResult RunJson(ReadOnlySpan<byte> json);

    /// <summary>Runs a script in nft's own syntax (what <c>nft -f</c> reads) as one transaction.</summary>
    NftResult RunScript(ReadOnlySpan<byte> script);

    /// <summary>Runs a list command (<c>list table inet uncloak</c>) and returns its JSON output.</summary>
    NftResult ListJson(string command);

    /// <summary>Runs a list command and returns nft's own text (the canonical form admins read and diff).</summary>
    NftResult ListText(string command);
}
