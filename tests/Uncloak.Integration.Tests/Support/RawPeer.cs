using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;

namespace Uncloak.Integration.Tests.Support;

/// <summary>A raw IPv4 TCP socket (IP_HDRINCL) that sends crafted segments and reads the replies, bounded in time.</summary>
public sealed class RawPeer : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _buffer = new byte[65536];
    private ushort _id;

    public RawPeer()
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
        _socket.ReceiveTimeout = 200;
    }

    public void Send(in TcpPacket segment, ReadOnlySpan<byte> payload = default)
    {
        Span<byte> packet = stackalloc byte[Ipv4TcpPacket.SizeOf(segment, payload.Length)];
        int n = Ipv4TcpPacket.Write(packet, segment, payload, ++_id);
        _socket.SendTo(packet[..n], SocketFlags.None, new IPEndPoint(segment.Destination.ToIPAddress(), 0));
    }

    /// <summary>The next incoming segment that matches, or null when none came before the deadline.</summary>
    public TcpPacket? Receive(Func<TcpPacket, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            int n;
            try
            {
                n = _socket.Receive(_buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                continue; // the 200 ms receive timeout: check the deadline and wait again
            }
            // veth offloads checksums (CHECKSUM_PARTIAL): what arrives here carries only the pseudo-header sum, so it is not verified.
            if (Ipv4TcpPacket.TryRead(_buffer.AsSpan(0, n), out var segment, verifyChecksums: false) && match(segment))
            {
                return segment;
            }
        }
        return null;
    }

    public void Dispose() => _socket.Dispose();
}
