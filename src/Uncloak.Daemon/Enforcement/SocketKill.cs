using Uncloak.Core.Signals;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// The socket kill, written once for every caller (<c>uncloak sockets --kill</c>, <c>bans add --kill</c>, the daemon's
/// kill action): dump the socket table over sock_diag, plan the targets (<see cref="KillPlan"/>, which refuses protected
/// peers), destroy them with SOCK_DESTROY (<see cref="SocketKiller"/>). A peer asked for by its exact address that is
/// protected is refused as a whole, even while it has no socket, so the answer does not depend on timing.
/// </summary>
public static class SocketKill
{
    /// <summary>
    /// The peers this host never kills: its own addresses, the SSH client of the session that started the process
    /// (<c>SSH_CONNECTION</c>, <c>SSH_CLIENT</c>) and <paramref name="allowlist"/>.
    /// </summary>
    public static ProtectedPeers HostGuard(IEnumerable<PeerPrefix> allowlist)
        => ProtectedPeers.Standard(HostAddresses.Read(), Environment.GetEnvironmentVariable("SSH_CONNECTION"),
            Environment.GetEnvironmentVariable("SSH_CLIENT"), allowlist);

    /// <summary>
    /// Kills the sockets of <paramref name="peer"/> (an address or a prefix). <paramref name="withInfo"/> asks the dump for
    /// tcp_info, which killing does not need (it costs a little per socket). Throws <see cref="SockDiagException"/> when
    /// the kernel refuses the dump.
    /// </summary>
    public static (KillPlan Plan, KillResult Result) Peer(SockDiagClient client, PeerPrefix peer, ProtectedPeers guard, bool withInfo = true)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(guard);
        var table = client.Dump(withInfo: withInfo);
        KillPlan plan;
        if (peer.Bits == (peer.Network.IsV4 ? 32 : 128) && guard.ReasonFor(peer.Network) is { } reason)
        {
            int matching = KillPlan.ForPeer(table, peer, new ProtectedPeers()).Targets.Count;
            plan = new KillPlan([], [new RefusedPeer(peer.Network, reason, matching)]);
        }
        else
        {
            plan = KillPlan.ForPeer(table, peer, guard);
        }
        return (plan, SocketKiller.Execute(client, plan));
    }

    /// <summary>Kills the sockets of every stuck peer the analysis finds (zero window held, send queue stalled…).</summary>
    public static (KillPlan Plan, KillResult Result) Stuck(SockDiagClient client, ProtectedPeers guard)
    {
        ArgumentNullException.ThrowIfNull(client);
        var plan = KillPlan.ForStuck(SocketAnalyzer.Analyze(client.Dump()), guard);
        return (plan, SocketKiller.Execute(client, plan));
    }

    /// <summary>The outcome as the daemon stores it with the action.</summary>
    public static string Describe(KillPlan plan, KillResult done)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Refused.Count > 0)
        {
            return "refused: " + string.Join("; ", plan.Refused.Select(r => $"{r.Peer} is protected ({r.Reason})"));
        }
        return done.Failed > 0
            ? $"killed {done.Killed}, {done.Failed} failed (errno {done.FirstErrno})"
            : $"killed {done.Killed} socket(s){(done.AlreadyGone > 0 ? $", {done.AlreadyGone} already closed" : "")}";
    }
}
