using System.Buffers.Binary;
using System.Net;
using System.Runtime.InteropServices;

namespace Uncloak.Linux.Interop;

/// <summary>
/// NETLINK_SOCK_DIAG dumps (include/uapi/linux/inet_diag.h), reduced to what the audit needs: TCP listeners with
/// their queues. For a LISTEN socket inet_diag reports sk_ack_backlog as idiag_rqueue and sk_max_ack_backlog (the
/// effective listen() backlog) as idiag_wqueue. /proc/net/tcp cannot be used for this: it prints write_seq − snd_una,
/// always 0 for a listener, where the backlog would be.
/// </summary>
internal static unsafe partial class SockDiag
{
    internal const int AF_NETLINK = 16;
    internal const int AF_INET6 = 10;
    internal const int SOCK_RAW = 3;
    internal const int NETLINK_SOCK_DIAG = 4;
    internal const ushort SOCK_DIAG_BY_FAMILY = 20;
    internal const ushort NLMSG_ERROR = 2;
    internal const ushort NLMSG_DONE = 3;
    internal const ushort NLM_F_REQUEST = 0x1;
    internal const ushort NLM_F_DUMP = 0x300;
    internal const byte IPPROTO_TCP = 6;
    internal const int TCP_LISTEN = 10;

    private const int NlmsgHeader = 16;
    private const int ReqV2Size = 56;
    private const int DiagMsgSize = 72;

    [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
    private static partial int Socket(int domain, int type, int protocol);

    [LibraryImport("libc", EntryPoint = "send", SetLastError = true)]
    private static partial nint Send(int fd, byte* buf, nuint len, int flags);

    [LibraryImport("libc", EntryPoint = "recv", SetLastError = true)]
    private static partial nint Recv(int fd, byte* buf, nuint len, int flags);

    /// <summary>A TCP listener: local address and port, connections waiting for accept(), and the effective backlog.</summary>
    internal readonly record struct Listener(IPAddress Address, int Port, uint AcceptQueue, uint Backlog);

    /// <summary>Every TCP listener of one family in the calling thread's network namespace. Throws IOException when the kernel refuses the dump.</summary>
    internal static List<Listener> TcpListeners(int family)
    {
        int fd = Socket(AF_NETLINK, SOCK_RAW | Libc.SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (fd < 0)
        {
            // EPROTONOSUPPORT without CONFIG_INET_DIAG (modular and not loadable here), EMFILE, or a seccomp policy.
            throw new IOException($"socket(AF_NETLINK, NETLINK_SOCK_DIAG) failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
        using var handle = new FileDescriptor(fd);
        Span<byte> req = stackalloc byte[NlmsgHeader + ReqV2Size];
        req.Clear();
        MemoryMarshal.Write(req, (uint)req.Length);                      // nlmsg_len
        MemoryMarshal.Write(req[4..], SOCK_DIAG_BY_FAMILY);              // nlmsg_type
        MemoryMarshal.Write(req[6..], (ushort)(NLM_F_REQUEST | NLM_F_DUMP));
        req[NlmsgHeader] = (byte)family;                                  // sdiag_family
        req[NlmsgHeader + 1] = IPPROTO_TCP;                               // sdiag_protocol
        MemoryMarshal.Write(req[(NlmsgHeader + 4)..], 1u << TCP_LISTEN);  // idiag_states
        fixed (byte* p = req)
        {
            if (Send(fd, p, (nuint)req.Length, 0) < 0)
            {
                throw new IOException($"sock_diag send failed: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
            }
        }
        var result = new List<Listener>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            nint n;
            fixed (byte* p = buffer)
            {
                n = Recv(fd, p, (nuint)buffer.Length, 0);
            }
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == 4)
                {
                    continue; // EINTR: a signal arrived mid-dump; the dump itself is intact.
                }
                throw new IOException($"sock_diag recv failed: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
            int offset = 0;
            while (offset + NlmsgHeader <= n)
            {
                var msg = buffer.AsSpan(offset, (int)n - offset);
                int len = (int)MemoryMarshal.Read<uint>(msg);
                ushort type = MemoryMarshal.Read<ushort>(msg[4..]);
                if (len < NlmsgHeader || len > msg.Length)
                {
                    throw new IOException("sock_diag: malformed netlink message");
                }
                if (type == NLMSG_DONE)
                {
                    return result;
                }
                if (type == NLMSG_ERROR)
                {
                    int err = -MemoryMarshal.Read<int>(msg[NlmsgHeader..]);
                    throw new IOException($"sock_diag dump refused: {Marshal.GetPInvokeErrorMessage(err)}");
                }
                if (type == SOCK_DIAG_BY_FAMILY && len >= NlmsgHeader + DiagMsgSize)
                {
                    var d = msg.Slice(NlmsgHeader, DiagMsgSize);
                    int port = BinaryPrimitives.ReadUInt16BigEndian(d[4..]);  // idiag_sport (network order)
                    var address = d[0] == AF_INET6 ? new IPAddress(d.Slice(8, 16)) : new IPAddress(d.Slice(8, 4));
                    uint rqueue = MemoryMarshal.Read<uint>(d[56..]);            // idiag_rqueue = sk_ack_backlog
                    uint wqueue = MemoryMarshal.Read<uint>(d[60..]);            // idiag_wqueue = sk_max_ack_backlog
                    result.Add(new Listener(address, port, rqueue, wqueue));
                }
                offset += (len + 3) & ~3; // NLMSG_ALIGN
            }
        }
    }
}
