using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>
/// socket(2) and close(2): the file descriptor ioctls such as SIOCETHTOOL are issued on, and sockets of the families the
/// managed <see cref="System.Net.Sockets.Socket"/> cannot open (AF_NETLINK for sock_diag).
/// </summary>
internal static partial class Libc
{
    internal const int AF_INET = 2;
    internal const int SOCK_DGRAM = 2;
    internal const int SOCK_CLOEXEC = 0x80000;

    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int NETLINK_ROUTE = 0;
    internal const int NETLINK_SOCK_DIAG = 4;

    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ENODEV = 19;
    internal const int EINVAL = 22;
    internal const int EOPNOTSUPP = 95;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int SocketRaw(int domain, int type, int protocol);

    /// <summary>Returns a descriptor or -1 with errno in <see cref="Marshal.GetLastPInvokeError"/>.</summary>
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);

    /// <summary>A plain AF_INET datagram socket: the kernel routes interface ioctls through any socket of the caller's network namespace.</summary>
    internal static FileDescriptor DatagramSocket()
    {
        int fd = SocketRaw(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (fd < 0)
        {
            // No fallback: without a socket no ioctl is possible (EMFILE, or a seccomp filter forbidding sockets).
            throw new IOException($"socket(AF_INET, SOCK_DGRAM) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        return new FileDescriptor(fd);
    }
}
