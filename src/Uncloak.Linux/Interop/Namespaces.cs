using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>setns(2) for network namespaces: moves the calling thread (only) into the namespace of an open nsfs file.</summary>
internal static partial class Namespaces
{
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNsRaw(SafeFileHandle fd, int nstype);

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
