using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Uncloak.Linux.Interop;

/// <summary>setns(2): move the calling thread into another namespace.</summary>
internal static partial class Libc
{
#pragma warning disable CA1707
    public const int CLONE_NEWNET = 0x40000000;
#pragma warning restore CA1707

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetnsRaw(SafeFileHandle fd, int nstype);

    /// <summary>Moves the calling thread into the network namespace whose file is <paramref name="nsFile"/>; errno on failure, 0 on success.</summary>
    public static int SetNetNamespace(SafeFileHandle nsFile)
        => SetnsRaw(nsFile, CLONE_NEWNET) == 0 ? 0 : Marshal.GetLastPInvokeError();
}
