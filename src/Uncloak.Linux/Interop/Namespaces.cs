using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>
/// setns(2) and unshare(2) for network namespaces: each moves the calling thread (only) into another network namespace.
/// The one place CLONE_NEWNET is defined; callers go through <see cref="Uncloak.Linux.Namespaces.NetNamespace"/>.
/// </summary>
internal static partial class Namespaces
{
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNsRaw(SafeFileHandle fd, int nstype);

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int UnshareRaw(int flags);

    /// <summary>Moves the current thread into a new, empty network namespace (only loopback, down). Same thread rules as <see cref="EnterNetwork"/>.</summary>
    internal static void EnterNewNetwork()
    {
        if (UnshareRaw(CLONE_NEWNET) != 0)
        {
            // EPERM without CAP_SYS_ADMIN: the caller's environment.
            throw new IOException($"unshare(CLONE_NEWNET) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>
    /// Enters the network namespace at <paramref name="path"/> (e.g. /run/netns/NAME) on the current thread. Call it on a
    /// dedicated thread that exits afterwards: the runtime would otherwise reuse a thread living in the wrong namespace.
    /// </summary>
    internal static void EnterNetwork(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        if (SetNsRaw(handle, CLONE_NEWNET) != 0)
        {
            // EPERM without CAP_SYS_ADMIN, EINVAL if the file is not a network namespace: both are the caller's environment.
            throw new IOException($"setns({path}, CLONE_NEWNET) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }
}
