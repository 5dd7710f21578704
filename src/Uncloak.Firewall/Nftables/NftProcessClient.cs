using Uncloak.Linux.Processes;

namespace Uncloak.Firewall.Nftables;

/// <summary>
/// nftables through the <c>nft</c> program, for hosts with nft but without libnftables.so.1 (or when
/// UNCLOAK_NFT=process asks for it). Arguments are passed as an array, never through a shell; the
/// batch goes on stdin; output is read as JSON (<c>nft -j</c>).
/// </summary>
public sealed class NftProcessClient : INftables
{
    private readonly string _nft;

    public NftProcessClient(string nftPath) => _nft = nftPath;

    public string Name => "nft";

    public NftResult RunJson(ReadOnlySpan<byte> json) => Convert(Tool.Run(_nft, ["-j", "-f", "-"], json.ToArray()));

    public NftResult RunScript(ReadOnlySpan<byte> script) => Convert(Tool.Run(_nft, ["-f", "-"], script.ToArray()));

    public NftResult ListJson(string command) => Convert(Tool.Run(_nft, ["-j", .. command.Split(' ', StringSplitOptions.RemoveEmptyEntries)]));

    public NftResult ListText(string command) => Convert(Tool.Run(_nft, command.Split(' ', StringSplitOptions.RemoveEmptyEntries)));

    private static NftResult Convert(CommandResult r) => new(r.Ok, r.Output, r.Error);

    public void Dispose()
    {
    }
}
