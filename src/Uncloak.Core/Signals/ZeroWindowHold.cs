using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// A peer holding the receive window of one or more of our connections shut while we have data for it. As a
/// <see cref="NetEvent"/>: Peer, LocalPort (the most common), PeerPort (only when one socket), Form a
/// <see cref="ZeroWindowForm"/> (shrunk wins when both occur), Count = sockets, Length = stuck bytes (capped at int.MaxValue),
/// Millis = longest stall in ms, Queue = most probes out, Millis2 = highest backoff.
/// </summary>
public sealed record ZeroWindowHold(NetAddress Peer, ushort LocalPort, IReadOnlyList<StuckSocket> Sockets)
{
    public ZeroWindowForm Form => Sockets.Any(s => s.Form == ZeroWindowForm.WindowShrunk) ? ZeroWindowForm.WindowShrunk : ZeroWindowForm.PeerNotReading;

    public long StuckBytes => Sockets.Sum(s => s.StuckBytes);

    public uint LongestMillis => Sockets.Max(s => s.StalledMillis);

    public int MaxProbes => Sockets.Max(s => (int)s.Probes);

    public int MaxBackoff => Sockets.Max(s => (int)s.Backoff);

    public bool Climbing => Sockets.Any(s => s.Climbing);

    public NetEvent ToEvent(DateTime time) => new()
    {
        Time = time,
        UptimeMicros = -1,
        Kind = EventKind.ZeroWindowHold,
        Form = (byte)Form,
        Peer = Peer,
        PeerPort = Sockets.Count == 1 ? Sockets[0].Socket.Id.RemotePort : (ushort)0,
        LocalPort = LocalPort,
        Count = Sockets.Count,
        Length = (int)Math.Min(StuckBytes, int.MaxValue),
        Millis = (int)Math.Min(LongestMillis, int.MaxValue),
        Millis2 = MaxBackoff,
        Queue = MaxProbes,
    };
}
