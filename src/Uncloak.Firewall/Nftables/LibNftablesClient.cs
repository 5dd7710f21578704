using System.Runtime.InteropServices;
using Uncloak.Firewall.Interop;

namespace Uncloak.Firewall.Nftables;

/// <summary>nftables through libnftables.so.1's JSON API: no process per call, one netlink batch per transaction.</summary>
public sealed class LibNftablesClient : INftables
{
    private readonly NftContextHandle _ctx;

    private LibNftablesClient(NftContextHandle ctx) => _ctx = ctx;

    public string Name => "libnftables";

    /// <summary>Opens a context, or returns null when libnftables.so.1 is not installed (use the nft program then).</summary>
    public static LibNftablesClient? TryOpen()
    {
        NftContextHandle ctx;
        try
        {
            // Its netlink socket must be below 1024 (LowDescriptors), and the context opens it now.
            ctx = LowDescriptors.Open(() => LibNftables.nft_ctx_new(LibNftables.NFT_CTX_DEFAULT));
        }
        catch (DllNotFoundException)
        {
            return null; // no libnftables1 package: the caller falls back to the nft program
        }
        if (ctx.IsInvalid)
        {
            ctx.Dispose();
            return null;
        }
        if (LibNftables.nft_ctx_buffer_output(ctx) != 0 || LibNftables.nft_ctx_buffer_error(ctx) != 0)
        {
            ctx.Dispose();
            throw new InvalidOperationException("libnftables could not allocate its output buffers (out of memory)");
        }
        LibNftables.nft_ctx_output_set_flags(ctx, LibNftables.NFT_CTX_OUTPUT_JSON);
        return new LibNftablesClient(ctx);
    }

    public NftResult RunJson(ReadOnlySpan<byte> json) => Run(json);

    /// <summary>
    /// The library tries JSON first and falls back to its nft grammar when the input is not JSON;
    /// a script's first byte ends the JSON attempt, so the cost is that of <c>nft -f</c>.
    /// </summary>
    public NftResult RunScript(ReadOnlySpan<byte> script) => Run(script);

    public NftResult ListJson(string command) => Run(System.Text.Encoding.UTF8.GetBytes(command));

    public NftResult ListText(string command)
    {
        // Output format is a context flag: switch it for this one command.
        LibNftables.nft_ctx_output_set_flags(_ctx, 0);
        try
        {
            return Run(System.Text.Encoding.UTF8.GetBytes(command));
        }
        finally
        {
            LibNftables.nft_ctx_output_set_flags(_ctx, LibNftables.NFT_CTX_OUTPUT_JSON);
        }
    }

    private unsafe NftResult Run(ReadOnlySpan<byte> text)
    {
        // The library wants a NUL-terminated string; copy once (a 100k-element batch is a few MB).
        byte[] buffer = new byte[text.Length + 1];
        text.CopyTo(buffer);
        int rc;
        fixed (byte* p = buffer)
        {
            rc = LibNftables.nft_run_cmd_from_buffer(_ctx, p);
        }
        string output = Marshal.PtrToStringUTF8(LibNftables.nft_ctx_get_output_buffer(_ctx)) ?? "";
        string error = Marshal.PtrToStringUTF8(LibNftables.nft_ctx_get_error_buffer(_ctx)) ?? "";
        return new NftResult(rc == 0, output, error);
    }

    public void Dispose()
    {
        _ctx.Dispose();
        LowDescriptors.Refill(); // the socket's descriptor, if one was given up for it
    }
}
