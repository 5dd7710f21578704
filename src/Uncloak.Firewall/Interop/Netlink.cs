using System.Runtime.InteropServices;

namespace Uncloak.Firewall.Interop;

/// <summary>
/// A NETLINK_NETFILTER socket subscribed to the nftables multicast group: the kernel's own announcement of every ruleset
/// change (what <c>nft monitor</c> prints), in this network namespace. The managed socket layer cannot open AF_NETLINK,
/// so the descriptor comes from libc and is then wrapped (see the reference notes on netlink from .NET).
/// </summary>
internal static partial class Netlink
{
    internal const int AF_NETLINK = 16;
    internal const int SOCK_RAW = 3;
    internal const int SOCK_CLOEXEC = 0x80000;
    internal const int NETLINK_NETFILTER = 12;

    /// <summary>include/uapi/linux/netfilter/nfnetlink.h: enum nfnetlink_groups.</summary>
    internal const int NFNLGRP_NFTABLES = 7;

    [StructLayout(LayoutKind.Sequential)]
    internal struct SockaddrNl
    {
        public ushort Family;
        public ushort Pad;
        public uint Pid;
        public uint Groups;
    }

    /// <summary>Returns a descriptor or -1 with errno.</summary>
    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    internal static partial int Socket(int domain, int type, int protocol);

    /// <summary>Returns 0 or -1 with errno.</summary>
    [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
    internal static partial int Bind(int fd, in SockaddrNl address, int length);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
