using Uncloak.Core.Events;

namespace Uncloak.Core.Signals;

/// <summary>
/// A listening socket as the kernel sees it: its backlog (maximum accept queue), the connections waiting for accept(),
/// the half-open connections (SYN-RECV) and the established connections on its port.
/// </summary>
public sealed record ListenerView(NetAddress Local, ushort LocalPort, uint Backlog, uint AcceptQueue, int SynRecv, int Established)
{
    /// <summary>Accept queue as a fraction of the backlog (0 when the backlog is 0).</summary>
    public double AcceptQueueFill => Backlog == 0 ? 0 : (double)AcceptQueue / Backlog;
}
