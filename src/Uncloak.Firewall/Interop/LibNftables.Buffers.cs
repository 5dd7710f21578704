using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>libnftables output and error buffering: without it the library prints to stdout/stderr.</summary>
internal static partial class LibNftables
{
    /// <summary>Returns 0 on success; fails only when out of memory.</summary>
    [LibraryImport(Library)]
    internal static partial int nft_ctx_buffer_output(NftContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial int nft_ctx_buffer_error(NftContextHandle ctx);

    /// <summary>The output of the last command (NUL-terminated, owned by the context, reset by the next read).</summary>
    [LibraryImport(Library)]
    internal static partial IntPtr nft_ctx_get_output_buffer(NftContextHandle ctx);

    [LibraryImport(Library)]
    internal static partial IntPtr nft_ctx_get_error_buffer(NftContextHandle ctx);
}
