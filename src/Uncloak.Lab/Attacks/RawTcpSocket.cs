using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Wire;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// A raw IPv4 TCP socket with IP_HDRINCL: sends segments built by <see cref="Ipv4TcpPacket"/> (any source address) and reads
/// every TCP segment delivered to its namespace. Create it inside the attacker namespace.
/// </summary>
internal sealed class RawTcpSocket : IDisposable
{
    private readonly Socket _socket;
    private readonly byte[] _receive = new byte[65536];
    private readonly byte[] _send = new byte[2048];
    private ushort _id;

    public RawTcpSocket(int receiveTimeoutMillis)
    {
        _socket = new Socket(AddressFamily.InterNetwork, SocketType.Raw, ProtocolType.Tcp);
        _socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.HeaderIncluded, true);
        _socket.ReceiveTimeout = receiveTimeoutMillis;
        _socket.ReceiveBufferSize = 4 << 20;
        // SO_MARK: the attacker namespace's nft rule drops its kernel's RSTs but lets marked (our own) packets through.
        _socket.SetRawSocketOption(SolSocket, SoMark, BitConverter.GetBytes(AttackerMark));
    }

    /// <summary>The fwmark of every packet the lab's raw sockets send (ASCII "uclk").</summary>
    public const int AttackerMark = 0x75636c6b;

    private const int SolSocket = 1, SoMark = 36; // <asm-generic/socket.h>

    public void Send(in TcpPacket segment, ReadOnlySpan<byte> payload = default)
    {
        int n = Ipv4TcpPacket.Write(_send, segment, payload, ++_id);
        _socket.SendTo(_send.AsSpan(0, n), SocketFlags.None, new IPEndPoint(segment.Destination.ToIPAddress(), 0));
    }

    /// <summary>The next TCP segment, or null after the receive timeout.</summary>
    public TcpPacket? Receive()
    {
        int n;
        try
        {
            n = _socket.Receive(_receive);
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return null; // the receive timeout: the caller's loop checks its limits and comes back
        }
        // veth offloads checksums (CHECKSUM_PARTIAL): what arrives carries only the pseudo-header sum, so it is not verified.
        return Ipv4TcpPacket.TryRead(_receive.AsSpan(0, n), out var segment, verifyChecksums: false) ? segment : null;
    }

    public void Dispose() => _socket.Dispose();
}
