using System.Net.Sockets;
using System.Runtime.InteropServices;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Routing;
using Uncloak.Core.Sockets;

namespace Uncloak.Linux.Routing;

/// <summary>
/// A NETLINK_ROUTE socket: dumps the route, neighbour and qdisc tables (what <c>ip route</c>, <c>ip neigh</c> and
/// <c>tc -s qdisc</c> show, without running them). It talks to the network namespace of the thread that opened it. Not thread-safe; one request at a time.
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

    /// <summary>
    /// Every qdisc of every interface with its statistics (<c>RTM_GETQDISC</c>, as <c>tc -s qdisc show</c>), named by
    /// interface. <paramref name="problems"/> gets what was skipped in malformed messages; an error of the dump throws
    /// <see cref="IOException"/> (the caller falls back to tc).
    /// </summary>
    public List<QdiscStats> Qdiscs(List<string>? problems = null, Action<ReadOnlySpan<byte>>? tap = null)
    {
        var qdiscs = new List<QdiscStats>();
        var reader = new RtnetlinkReader();
        // Names are looked up on this thread, which is in the socket's namespace (the contract of Open).
        var names = new Dictionary<int, string?>();
        string? Name(int ifindex)
        {
            if (!names.TryGetValue(ifindex, out var name))
            {
                names[ifindex] = name = Interop.Libc.InterfaceName(ifindex);
            }
            return name;
        }
        Dump(Rtnetlink.RTM_GETQDISC, 0, tap, (datagram, seq) => reader.ReadQdiscs(datagram, qdiscs, seq, Name), reader);
        problems?.AddRange(reader.Problems);
        if (reader.Malformed > reader.Problems.Count)
        {
            problems?.Add($"{reader.Malformed - reader.Problems.Count} more malformed qdisc messages or attributes skipped");
        }
        return qdiscs;
    }

    private delegate SockDiagStatus DatagramReader(ReadOnlySpan<byte> datagram, uint sequence);

    private void Dump(ushort type, byte family, Action<ReadOnlySpan<byte>>? tap, DatagramReader read, RtnetlinkReader reader)
    {
        uint sequence = ++_sequence;
        Span<byte> request = stackalloc byte[Rtnetlink.QdiscRequestSize];
        int length = type == Rtnetlink.RTM_GETQDISC
            ? Rtnetlink.WriteQdiscDumpRequest(request, sequence)
            : Rtnetlink.WriteDumpRequest(request, type, family, sequence);
        _socket.Send(request[..length]);
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
