using System.Buffers.Binary;

namespace Uncloak.Core.Sockets;

/// <summary>
/// The NETLINK_SOCK_DIAG wire format for TCP (include/uapi/linux/netlink.h, sock_diag.h, inet_diag.h): request encoding
/// for dumps and SOCK_DESTROY, constants named as in the kernel headers. Pure: bytes in, bytes out.
/// </summary>
public static class SockDiag
{
#pragma warning disable CA1707 // kernel constant names verbatim
    public const byte AF_INET = 2;
    public const byte AF_INET6 = 10;
    public const byte IPPROTO_TCP = 6;

    public const ushort NLMSG_NOOP = 1;
    public const ushort NLMSG_ERROR = 2;
    public const ushort NLMSG_DONE = 3;
    public const ushort SOCK_DIAG_BY_FAMILY = 20;
    public const ushort SOCK_DESTROY = 21;

    public const ushort NLM_F_REQUEST = 0x1;
    public const ushort NLM_F_MULTI = 0x2;
    public const ushort NLM_F_ACK = 0x4;
    public const ushort NLM_F_ROOT = 0x100;
    public const ushort NLM_F_MATCH = 0x200;
    public const ushort NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH;

    public const ushort INET_DIAG_MEMINFO = 1;
    public const ushort INET_DIAG_INFO = 2;
    public const ushort INET_DIAG_SHUTDOWN = 8;
#pragma warning restore CA1707

    /// <summary>Size of <c>struct nlmsghdr</c>.</summary>
    public const int NlmsghdrSize = 16;

    /// <summary>Size of <c>struct inet_diag_req_v2</c>.</summary>
    public const int RequestSize = 56;

    /// <summary>Size of <c>struct inet_diag_msg</c>.</summary>
    public const int MessageSize = 72;

    /// <summary>Size of a whole request: nlmsghdr + inet_diag_req_v2.</summary>
    public const int RequestMessageSize = NlmsghdrSize + RequestSize;

    /// <summary>NLMSG_ALIGN / RTA_ALIGN: netlink aligns messages and attributes to 4 bytes.</summary>
    public static int Align(int length) => (length + 3) & ~3;

    /// <summary>
    /// Writes a dump request for every TCP socket of <paramref name="family"/> in the states of <paramref name="states"/>
    /// (a mask of <see cref="TcpStates.Bit"/>), asking for tcp_info. Returns the bytes written (always 72).
    /// </summary>
    public static int WriteDumpRequest(Span<byte> destination, byte family, uint states, uint sequence, bool withInfo = true)
    {
        WriteHeader(destination, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, sequence);
        var req = destination.Slice(NlmsghdrSize, RequestSize);
        req.Clear();
        req[0] = family;
        req[1] = IPPROTO_TCP;
        req[2] = withInfo ? (byte)(1 << (INET_DIAG_INFO - 1)) : (byte)0;
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], states);
        // An all-zero id with the cookie set to INET_DIAG_NOCOOKIE: a dump filters on nothing but family and state.
        BinaryPrimitives.WriteUInt64LittleEndian(req[(8 + 40)..], SocketId.NoCookie);
        return RequestMessageSize;
    }

    /// <summary>
    /// Writes a SOCK_DESTROY request for exactly the socket <paramref name="id"/> names (addresses, ports, interface,
    /// cookie as dumped), asking for an acknowledgement. Returns the bytes written (always 72).
    /// </summary>
    public static int WriteDestroyRequest(Span<byte> destination, in SocketId id, TcpState state, uint sequence)
    {
        WriteHeader(destination, SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, sequence);
        var req = destination.Slice(NlmsghdrSize, RequestSize);
        req.Clear();
        req[0] = id.Family;
        req[1] = IPPROTO_TCP;
        BinaryPrimitives.WriteUInt32LittleEndian(req[4..], TcpStates.Bit(state));
        id.Write(req[8..]);
        return RequestMessageSize;
    }

    private static void WriteHeader(Span<byte> destination, ushort type, ushort flags, uint sequence)
    {
        // nlmsghdr is in host byte order (little-endian on every supported target).
        BinaryPrimitives.WriteUInt32LittleEndian(destination, RequestMessageSize);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], type);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[6..], flags);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], 0); // nlmsg_pid 0: addressed to the kernel
    }
}
