using System.Runtime.InteropServices;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>setns(2), so a dedicated test thread can create sockets inside a namespace the test made.</summary>
internal static partial class NetnsInterop
{
    /// <summary>CLONE_NEWNET: join a network namespace.</summary>
    internal const int CLONE_NEWNET = 0x40000000;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int setns(int fd, int nstype);
}
