using System.Net.Sockets;
using System.Runtime.InteropServices;
using Uncloak.Core.Counters;
using Uncloak.Core.Sockets;

namespace Uncloak.Linux.Sockets;

/// <summary>
/// A NETLINK_SOCK_DIAG socket: dumps the TCP socket table (IPv4 and IPv6, with tcp_info) and destroys single sockets.
/// It talks to the network namespace of the thread that opened it. Not thread-safe; one request at a time.
/// </summary>
public sealed class SockDiagClient : IDisposable
{
    // The kernel fills at most ~32 KiB per datagram for dumps; a bigger buffer costs nothing and never truncates.
    private const int ReceiveBufferSize = 64 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private readonly TimeProvider _time;
    private uint _sequence;

    private SockDiagClient(Socket socket, TimeProvider time)
    {
        _socket = socket;
        _time = time;
    }

    /// <summary>Opens the netlink socket. Throws <see cref="SockDiagException"/> when the kernel refuses.</summary>
    public static SockDiagClient Open(TimeProvider? time = null)
    {
        int fd = Interop.Libc.Socket(Interop.Libc.AF_NETLINK, Interop.Libc.SOCK_RAW | Interop.Libc.SOCK_CLOEXEC, Interop.Libc.NETLINK_SOCK_DIAG);
        if (fd < 0)
        {
            // EPROTONOSUPPORT/EAFNOSUPPORT: kernel without sock_diag; EACCES/EPERM: a seccomp or LSM policy. All fatal here.
            int errno = Marshal.GetLastPInvokeError();
            throw new SockDiagException($"cannot open a NETLINK_SOCK_DIAG socket (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})", errno);
        }
        // The managed Socket does not know AF_NETLINK, but over an existing descriptor Send/Receive work.
        var socket = new Socket(new SafeSocketHandle(fd, ownsHandle: true))
        {
            ReceiveTimeout = 10_000, // a dump reply from the kernel never takes this long; bounded so a bug cannot hang us
        };
        return new SockDiagClient(socket, time ?? TimeProvider.System);
    }

    /// <summary>
    /// Dumps every TCP socket (IPv4 then IPv6) in <paramref name="states"/>. <paramref name="tap"/>, when given,
    /// sees each raw datagram (used to capture test fixtures). Without <paramref name="withInfo"/> the kernel sends no
    /// tcp_info (cheaper, but then the findings that need it cannot be judged).
    /// </summary>
    public SocketTable Dump(uint states = TcpStates.All, Action<ReadOnlySpan<byte>>? tap = null, bool withInfo = true)
    {
        var sockets = new List<SocketRecord>(EstimateSockets());
        var reader = new SockDiagReader();
        DateTime time = _time.GetUtcNow().UtcDateTime;
        DumpFamily(SockDiag.AF_INET, states, withInfo, reader, sockets, tap);
        DumpFamily(SockDiag.AF_INET6, states, withInfo, reader, sockets, tap);
        return new SocketTable(time, sockets, reader.Malformed);
    }

    /// <summary>
    /// How many TCP sockets this namespace holds (sockstat's inuse + tw for IPv4 and IPv6), so the list is sized once
    /// instead of doubling through 100,000 records. Read through /proc/thread-self so it is the calling thread's namespace,
    /// like the netlink socket's. Only a hint: on any failure the list simply grows.
    /// </summary>
    private static int EstimateSockets()
    {
        var values = new Dictionary<string, long>(16);
        try
        {
            ProcNetParser.ParseSockstat(File.ReadAllBytes("/proc/thread-self/net/sockstat"), "v4", values);
            ProcNetParser.ParseSockstat(File.ReadAllBytes("/proc/thread-self/net/sockstat6"), "v6", values);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No procfs (a container without /proc/thread-self) or no IPv6: fall back to growing the list.
        }
        long n = values.GetValueOrDefault("v4.TCP.inuse") + values.GetValueOrDefault("v4.TCP.tw") +
                 values.GetValueOrDefault("v6.TCP6.inuse") + values.GetValueOrDefault("v6.TCP6.tw");
        return (int)Math.Clamp(n + n / 16 + 64, 64, 4_000_000);
    }

    private void DumpFamily(byte family, uint states, bool withInfo, SockDiagReader reader, List<SocketRecord> sockets, Action<ReadOnlySpan<byte>>? tap)
    {
        Span<byte> request = stackalloc byte[SockDiag.RequestMessageSize];
        uint sequence = ++_sequence;
        SockDiag.WriteDumpRequest(request, family, states, sequence, withInfo);
        Send(request);
        while (true)
        {
            int n = Receive();
            tap?.Invoke(_buffer.AsSpan(0, n));
            switch (reader.Read(_buffer.AsSpan(0, n), sockets, sequence))
            {
                case SockDiagStatus.Done:
                    return;
                case SockDiagStatus.Error:
                    throw new SockDiagException($"sock_diag dump for family {family} failed (errno {reader.Errno}: {Marshal.GetPInvokeErrorMessage(reader.Errno)})", reader.Errno);
            }
        }
    }

    /// <summary>
    /// Destroys exactly the socket <paramref name="socket"/> names (SOCK_DESTROY, needs CAP_NET_ADMIN). Returns 0 on
    /// success or the kernel's errno: ENOENT when the socket is already gone, EOPNOTSUPP without
    /// CONFIG_INET_DIAG_DESTROY, EPERM without the capability. The caller decides which of these matter.
    /// </summary>
    public int Destroy(in SocketRecord socket)
    {
        Span<byte> request = stackalloc byte[SockDiag.RequestMessageSize];
        uint sequence = ++_sequence;
        SockDiag.WriteDestroyRequest(request, socket.Id, socket.State, sequence);
        Send(request);
        var reader = new SockDiagReader();
        var ignored = new List<SocketRecord>(0);
        while (true)
        {
            int n = Receive();
            // With NLM_F_ACK the kernel always answers with NLMSG_ERROR: error 0 is the acknowledgement.
            if (reader.Read(_buffer.AsSpan(0, n), ignored, sequence) is SockDiagStatus.Error or SockDiagStatus.Done)
            {
                return reader.Errno;
            }
        }
    }

    private void Send(ReadOnlySpan<byte> request)
    {
        try
        {
            _socket.Send(request);
        }
        catch (SocketException e)
        {
            throw new SockDiagException($"cannot send a sock_diag request: {e.Message}", e);
        }
    }

    private int Receive()
    {
        while (true)
        {
            try
            {
                return _socket.Receive(_buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.Interrupted)
            {
                // EINTR: a signal arrived mid-recv; the reply is still queued, so receive again.
            }
            catch (SocketException e)
            {
                throw new SockDiagException($"cannot receive a sock_diag reply: {e.Message}", e);
            }
        }
    }

    public void Dispose() => _socket.Dispose();
}
