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
        _guard = SocketKill.HostGuard(allowlist);
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
            var (plan, done) = SocketKill.Peer(client, new PeerPrefix(action.Target, action.PrefixLength), _guard);
            return SocketKill.Describe(plan, done);
        }
        catch (SockDiagException e)
        {
            return "failed: " + e.Message;
        }
    }
}
