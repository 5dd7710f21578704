using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// A listener whose accept queue is at its backlog: the application does not call accept() fast enough (too few workers,
/// workers stuck), and the kernel drops new handshakes (ListenOverflows).
/// As a <see cref="NetEvent"/>: Local:LocalPort the listener, Queue = connections waiting for accept(), Length = backlog,
/// Count = half-open connections on it.
/// </summary>
public sealed record AcceptQueueExhaustion(ListenerView Listener)
{
    public NetEvent ToEvent(DateTime time) => new()
    {
        Time = time,
        UptimeMicros = -1,
        Kind = EventKind.AcceptQueueFull,
        Local = Listener.Local,
        LocalPort = Listener.LocalPort,
        Queue = (int)Listener.AcceptQueue,
        Length = (int)Listener.Backlog,
        Count = Listener.SynRecv,
    };
}
