using System.Buffers.Binary;

namespace Uncloak.Core.Routing;

/// <summary>
/// rtnetlink (NETLINK_ROUTE) dump requests for the route, neighbour and qdisc tables, constants named as in
/// <c>linux/rtnetlink.h</c>, <c>linux/neighbour.h</c> and <c>linux/gen_stats.h</c>. Pure: bytes out; <see cref="RtnetlinkReader"/> reads the replies.
/// </summary>
public static class Rtnetlink
{
#pragma warning disable CA1707 // kernel constant names verbatim
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWNEIGH = 28;
    public const ushort RTM_GETNEIGH = 30;
    public const ushort RTM_NEWQDISC = 36;
    public const ushort RTM_GETQDISC = 38;

    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_PRIORITY = 6;
    public const ushort RTA_TABLE = 15;

    public const ushort NDA_DST = 1;
    public const ushort NDA_LLADDR = 2;

    // enum TCA_* of include/uapi/linux/rtnetlink.h (the attributes after struct tcmsg).
    public const ushort TCA_KIND = 1;
    public const ushort TCA_OPTIONS = 2;
    public const ushort TCA_STATS = 3;
    public const ushort TCA_STATS2 = 7;

    // enum TCA_STATS_* of include/uapi/linux/gen_stats.h (nested in TCA_STATS2).
    public const ushort TCA_STATS_BASIC = 1;
    public const ushort TCA_STATS_QUEUE = 3;

    // include/uapi/linux/pkt_sched.h: the parents tc names instead of printing a class id.
    public const uint TC_H_ROOT = 0xFFFFFFFF;
    public const uint TC_H_INGRESS = 0xFFFFFFF1;

    public const byte RTN_UNICAST = 1;
    public const byte RT_TABLE_MAIN = 254;
#pragma warning restore CA1707

    /// <summary>Size of <c>struct rtmsg</c> and of <c>struct ndmsg</c> (both 12 bytes).</summary>
    public const int FamilyHeaderSize = 12;

    /// <summary>
    /// Size of <c>struct tcmsg</c> (include/uapi/linux/rtnetlink.h: u8 family, u8 pad, u16 pad, int ifindex, u32 handle,
    /// u32 parent, u32 info). The kernel refuses a qdisc dump whose header is shorter (EINVAL from nlmsg_parse).
    /// </summary>
    public const int TcmsgSize = 20;

    /// <summary>Bytes of a dump request: <c>nlmsghdr</c> and a zeroed <c>rtmsg</c>/<c>ndmsg</c> naming the family.</summary>
    public const int RequestSize = 16 + FamilyHeaderSize;

    /// <summary>Bytes of a qdisc dump request: <c>nlmsghdr</c> and a zeroed <c>tcmsg</c> (AF_UNSPEC, every interface).</summary>
    public const int QdiscRequestSize = 16 + TcmsgSize;

    /// <summary>
    /// Writes a dump request of <paramref name="type"/> (<see cref="RTM_GETROUTE"/> or <see cref="RTM_GETNEIGH"/>) for
    /// <paramref name="family"/> (AF_INET 2, AF_INET6 10) into <paramref name="destination"/>; returns its length.
    /// </summary>
    public static int WriteDumpRequest(Span<byte> destination, ushort type, byte family, uint sequence)
        => WriteDumpRequest(destination, type, family, sequence, RequestSize);

    /// <summary>Writes a <see cref="RTM_GETQDISC"/> dump request of every interface; returns its length.</summary>
    public static int WriteQdiscDumpRequest(Span<byte> destination, uint sequence)
        => WriteDumpRequest(destination, RTM_GETQDISC, 0, sequence, QdiscRequestSize);

    private static int WriteDumpRequest(Span<byte> destination, ushort type, byte family, uint sequence, int size)
    {
        var request = destination[..size];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, (uint)size);
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], Sockets.SockDiag.NLM_F_REQUEST | Sockets.SockDiag.NLM_F_DUMP);
        BinaryPrimitives.WriteUInt32LittleEndian(request[8..], sequence);
        // rtm_family and ndm_family are both the first byte of the 12-byte family header.
        request[16] = family;
        return size;
    }
}
