using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// One peer holding many connections to one local port that make no progress: we have sent nothing for a long time and
/// it sent little or nothing (slowloris: an incomplete request trickled in; or idle connections held to exhaust workers).
/// As a <see cref="NetEvent"/>: Peer, LocalPort, Count = connections, Millis = the shortest time we have sent nothing (ms),
/// Length = bytes received from the peer over all of them (capped).
/// </summary>
/// Confirmed by series: every one of them was already there, unchanged, in the previous snapshot.
public sealed record SlowRead(NetAddress Peer, ushort LocalPort, int Connections, uint ShortestIdleMillis, ulong BytesReceived, bool ConfirmedBySeries)
{
    public NetEvent ToEvent(DateTime time) => new()
    {
        Time = time,
        UptimeMicros = -1,
        Kind = EventKind.SlowRead,
        Peer = Peer,
        LocalPort = LocalPort,
        Count = Connections,
        Millis = (int)Math.Min(ShortestIdleMillis, int.MaxValue),
        Length = (int)Math.Min(BytesReceived, int.MaxValue),
    };
}
