using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>unshare(2) for a private, empty network namespace on the calling thread (used to render a ruleset without touching the real one).</summary>
internal static partial class Namespaces
{
    /// <summary>CLONE_NEWNET: a new network namespace.</summary>
    internal const int CLONE_NEWNET = 0x40000000;

    /// <summary>Returns 0, or -1 with errno (EPERM without CAP_SYS_ADMIN).</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int unshare(int flags);
}
