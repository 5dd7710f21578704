using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>libnftables.so.1 context lifetime and output settings (libnftables(3)).</summary>
internal static partial class LibNftables
{
    internal const string Library = "libnftables.so.1";

    /// <summary>NFT_CTX_DEFAULT: no special flags.</summary>
    internal const uint NFT_CTX_DEFAULT = 0;

    /// <summary>NFT_CTX_OUTPUT_JSON: list commands print JSON instead of nft syntax.</summary>
    internal const uint NFT_CTX_OUTPUT_JSON = 1 << 4;

    /// <summary>NFT_CTX_OUTPUT_HANDLE: print object handles.</summary>
    internal const uint NFT_CTX_OUTPUT_HANDLE = 1 << 3;

    /// <summary>Opens a context; its netlink socket lives in the network namespace of the calling thread.</summary>
    [LibraryImport(Library)]
    internal static partial NftContextHandle nft_ctx_new(uint flags);

    [LibraryImport(Library)]
    internal static partial void nft_ctx_free(IntPtr ctx);

    [LibraryImport(Library)]
    internal static partial void nft_ctx_output_set_flags(NftContextHandle ctx, uint flags);

    [LibraryImport(Library)]
    internal static partial void nft_ctx_set_dry_run(NftContextHandle ctx, [MarshalAs(UnmanagedType.U1)] bool dry);
}
