using Uncloak.Core.Decisions;
using Uncloak.Core.Signals;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Socket kills through sock_diag SOCK_DESTROY (the signals code: <see cref="KillPlan"/> refuses protected peers — our own
/// addresses, the admin's SSH client, the allowlist). Bans are recorded only: used when no firewall backend is available
/// (or the config says <c>firewall: off</c>); <see cref="FirewallActionExecutor"/> enforces them.
/// </summary>
public sealed class HostActionExecutor : IActionExecutor
{
    private readonly ProtectedPeers _guard;

    public HostActionExecutor(IEnumerable<PeerPrefix> allowlist)
    {
        _guard = ProtectedPeers.Standard(HostAddresses.Read(), Environment.GetEnvironmentVariable("SSH_CONNECTION"),
            Environment.GetEnvironmentVariable("SSH_CLIENT"), allowlist);
    }

    public bool Enforces(RemediationKind kind) => kind == RemediationKind.KillSockets;

    public int? BansInForce(DateTime now) => null;

    public string Execute(RemediationAction action, DateTime now)
    {
        if (action.Kind != RemediationKind.KillSockets)
        {
            return "recorded only: no firewall backend (firewall: off, or nftables/iptables missing)";
        }
        try
        {
            using var client = SockDiagClient.Open();
            var plan = KillPlan.ForPeer(client.Dump(), new PeerPrefix(action.Target, action.PrefixLength), _guard);
            if (plan.Refused.Count > 0)
            {
                return "refused: " + string.Join("; ", plan.Refused.Select(r => $"{r.Peer} is protected ({r.Reason})"));
            }
            var done = SocketKiller.Execute(client, plan);
            return done.Failed > 0
                ? $"killed {done.Killed}, {done.Failed} failed (errno {done.FirstErrno})"
                : $"killed {done.Killed} socket(s){(done.AlreadyGone > 0 ? $", {done.AlreadyGone} already closed" : "")}";
        }
        catch (SockDiagException e)
        {
            return "failed: " + e.Message;
        }
    }
}
