using System.Net.Sockets;
using System.Runtime.InteropServices;
using Uncloak.Core.Routing;
using Uncloak.Core.Sockets;

namespace Uncloak.Linux.Routing;

/// <summary>
/// A NETLINK_ROUTE socket: dumps the route and neighbour tables (what <c>ip route</c> and <c>ip neigh</c> show, without
/// running them). It talks to the network namespace of the thread that opened it. Not thread-safe; one request at a time.
/// </summary>
public sealed class RouteClient : IDisposable
{
    // A dump datagram is at most a page or two; 32 KiB never truncates one.
    private const int ReceiveBufferSize = 32 * 1024;

    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[ReceiveBufferSize];
    private uint _sequence;

    private RouteClient(Socket socket) => _socket = socket;

    /// <summary>Opens the netlink socket. Throws <see cref="IOException"/> when the kernel refuses (no rtnetlink is a broken environment).</summary>
    public static RouteClient Open()
    {
        int fd = Interop.Libc.Socket(Interop.Libc.AF_NETLINK, Interop.Libc.SOCK_RAW | Interop.Libc.SOCK_CLOEXEC, Interop.Libc.NETLINK_ROUTE);
        if (fd < 0)
        {
            // EMFILE, or a seccomp/LSM policy forbidding netlink: nothing to fall back to.
            int errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open a NETLINK_ROUTE socket (errno {errno}: {Marshal.GetPInvokeErrorMessage(errno)})");
        }
        // The managed Socket does not know AF_NETLINK, but over an existing descriptor Send/Receive work.
        return new RouteClient(new Socket(new SafeSocketHandle(fd, ownsHandle: true)) { ReceiveTimeout = 5_000 });
    }

    /// <summary>Every route of both families (all tables); <see cref="RouteEntry.IsDefaultGateway"/> picks the gateways.</summary>
    public List<RouteEntry> Routes(Action<ReadOnlySpan<byte>>? tap = null)
    {
        var routes = new List<RouteEntry>();
        var reader = new RtnetlinkReader();
        foreach (byte family in (ReadOnlySpan<byte>)[SockDiag.AF_INET, SockDiag.AF_INET6])
        {
            Dump(Rtnetlink.RTM_GETROUTE, family, tap, (datagram, seq) => reader.ReadRoutes(datagram, routes, seq), reader);
        }
        return routes;
    }

    /// <summary>Every neighbour (ARP and NDP) entry with its NUD state.</summary>
    public List<NeighbourRecord> Neighbours(Action<ReadOnlySpan<byte>>? tap = null)
    {
        var neighbours = new List<NeighbourRecord>();
        var reader = new RtnetlinkReader();
        foreach (byte family in (ReadOnlySpan<byte>)[SockDiag.AF_INET, SockDiag.AF_INET6])
        {
            Dump(Rtnetlink.RTM_GETNEIGH, family, tap, (datagram, seq) => reader.ReadNeighbours(datagram, neighbours, seq), reader);
        }
        return neighbours;
    }

    private delegate SockDiagStatus DatagramReader(ReadOnlySpan<byte> datagram, uint sequence);

    private void Dump(ushort type, byte family, Action<ReadOnlySpan<byte>>? tap, DatagramReader read, RtnetlinkReader reader)
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[Rtnetlink.RequestSize];
        Rtnetlink.WriteDumpRequest(request, type, family, sequence);
        _socket.Send(request);
        // Bounded: a dump of a table this size never needs more datagrams; a kernel that keeps sending is a bug to stop at.
        for (int i = 0; i < 100_000; i++)
        {
            int n = _socket.Receive(_buffer);
            tap?.Invoke(_buffer.AsSpan(0, n));
            switch (read(_buffer.AsSpan(0, n), sequence))
            {
                case SockDiagStatus.Done:
                    return;
                case SockDiagStatus.Error when reader.Errno == 97:
                    // EAFNOSUPPORT: a kernel without IPv6 has no IPv6 table, which is an empty one for us.
                    return;
                case SockDiagStatus.Error:
                    throw new IOException($"rtnetlink dump {type} (family {family}) failed: errno {reader.Errno} ({Marshal.GetPInvokeErrorMessage(reader.Errno)})");
            }
        }
        throw new IOException($"rtnetlink dump {type} (family {family}) did not end");
    }

    public void Dispose() => _socket.Dispose();
}
