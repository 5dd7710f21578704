using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>Running commands: nft syntax or JSON (detected by the library from the first character).</summary>
internal static partial class LibNftables
{
    /// <summary>
    /// Runs a NUL-terminated buffer as one transaction. Returns 0 on success, non-zero when parsing or the
    /// kernel refused it; the reason is in the error buffer. A refused batch changes nothing.
    /// </summary>
    [LibraryImport(Library)]
    internal static unsafe partial int nft_run_cmd_from_buffer(NftContextHandle ctx, byte* buffer);
}
