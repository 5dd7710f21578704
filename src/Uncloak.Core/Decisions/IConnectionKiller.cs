namespace Uncloak.Core.Decisions;

/// <summary>
/// The socket-kill action: ends the established connections of a banned target at once (sock_diag
/// <c>SOCK_DESTROY</c>), because a ban drops the peer's new packets but a connection it already holds in
/// zero-window persist keeps its socket, buffers and worker until TCP gives up (minutes). The implementation
/// lives in Uncloak.Daemon (Enforcement/SockDiagConnectionKiller, over the one socket kill, SocketKill); <c>BanWorkflow</c>
/// calls it after the kernel holds the ban, so the peer cannot reconnect in between.
/// </summary>
public interface IConnectionKiller
{
    /// <summary>Destroys every connection whose peer lies in <paramref name="target"/>; protected peers are the implementation's to refuse.</summary>
    ConnectionKillResult Kill(BanTarget target);
}

/// <summary>How many sockets were destroyed and how many could not be (already closed, or the kernel refused).</summary>
public readonly record struct ConnectionKillResult(int Destroyed, int Failed);
