using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>geteuid(2): the identity a unix-socket peer is compared with (the control socket answers root and its own user only).</summary>
internal static partial class Libc
{
    /// <summary>Never fails (POSIX: "always successful").</summary>
    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUid();
}
