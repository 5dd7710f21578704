using Uncloak.Core.Sockets;

namespace Uncloak.Core.Signals;

/// <summary>One socket whose peer holds its receive window shut, with the evidence.</summary>
public sealed record StuckSocket(SocketRecord Socket, ZeroWindowForm Form)
{
    /// <summary>Bytes we cannot deliver: unacknowledged plus unsent (the socket's send queue).</summary>
    public long StuckBytes => Socket.WQueue;

    /// <summary>
    /// How long it has been stuck, ms: for a peer not reading, the time since we last sent data; for a shrunk window,
    /// the time since the peer last acknowledged anything.
    /// </summary>
    public uint StalledMillis => Form == ZeroWindowForm.PeerNotReading ? Socket.Info.LastDataSent : Socket.Info.LastAckRecv;

    public byte Probes => Math.Max(Socket.Info.Probes, Socket.Timer == SocketTimer.Persist ? Socket.TimerRetries : (byte)0);

    public byte Backoff => Socket.Info.Backoff;

    /// <summary>True when a previous snapshot showed fewer probes or less backoff on this very socket: the peer keeps it shut.</summary>
    public bool Climbing { get; init; }
}
