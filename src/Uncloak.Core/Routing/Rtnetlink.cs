using System.Buffers.Binary;

namespace Uncloak.Core.Routing;

/// <summary>
/// rtnetlink (NETLINK_ROUTE) dump requests for the route and neighbour tables, constants named as in
/// <c>linux/rtnetlink.h</c> and <c>linux/neighbour.h</c>. Pure: bytes out; <see cref="RtnetlinkReader"/> reads the replies.
/// </summary>
public static class Rtnetlink
{
#pragma warning disable CA1707 // kernel constant names verbatim
    public const ushort RTM_NEWROUTE = 24;
    public const ushort RTM_GETROUTE = 26;
    public const ushort RTM_NEWNEIGH = 28;
    public const ushort RTM_GETNEIGH = 30;

    public const ushort RTA_DST = 1;
    public const ushort RTA_OIF = 4;
    public const ushort RTA_GATEWAY = 5;
    public const ushort RTA_PRIORITY = 6;
    public const ushort RTA_TABLE = 15;

    public const ushort NDA_DST = 1;
    public const ushort NDA_LLADDR = 2;

    public const byte RTN_UNICAST = 1;
    public const byte RT_TABLE_MAIN = 254;
#pragma warning restore CA1707

    /// <summary>Size of <c>struct rtmsg</c> and of <c>struct ndmsg</c> (both 12 bytes).</summary>
    public const int FamilyHeaderSize = 12;

    /// <summary>Bytes of a dump request: <c>nlmsghdr</c> and a zeroed <c>rtmsg</c>/<c>ndmsg</c> naming the family.</summary>
    public const int RequestSize = 16 + FamilyHeaderSize;

    /// <summary>
    /// Writes a dump request of <paramref name="type"/> (<see cref="RTM_GETROUTE"/> or <see cref="RTM_GETNEIGH"/>) for
    /// <paramref name="family"/> (AF_INET 2, AF_INET6 10) into <paramref name="destination"/>; returns its length.
    /// </summary>
    public static int WriteDumpRequest(Span<byte> destination, ushort type, byte family, uint sequence)
    {
        var request = destination[..RequestSize];
        request.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(request, RequestSize);
        BinaryPrimitives.WriteUInt16LittleEndian(request[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(request[6..], Sockets.SockDiag.NLM_F_REQUEST | Sockets.SockDiag.NLM_F_DUMP);
        BinaryPrimitives.WriteUInt32LittleEndian(request[8..], sequence);
        // rtm_family and ndm_family are both the first byte of the 12-byte family header.
        request[16] = family;
        return RequestSize;
    }
}
