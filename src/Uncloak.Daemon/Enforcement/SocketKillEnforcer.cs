using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Core.Signals;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// The kill action: ends the established connections of a target at once (sock_diag SOCK_DESTROY, through
/// <see cref="SocketKill"/>), because a ban drops the peer's new packets but a connection it already holds in zero-window
/// persist keeps its socket, buffers and worker until TCP gives up (minutes). The guard refuses protected peers (own
/// addresses, the admin's SSH client, the allowlist); the CLI passes an empty one because its bans already passed the
/// safety rules. Opened with <see cref="Open"/>, one sock_diag socket serves every kill; constructed directly, each kill
/// opens its own, so a daemon that cannot open sock_diag at start still says why at each kill.
/// </summary>
public sealed class SocketKillEnforcer : IEnforcer, IDisposable
{
    private readonly ProtectedPeers _guard;
    private readonly SockDiagClient? _client;

    public SocketKillEnforcer(ProtectedPeers guard)
    {
        _guard = guard;
    }

    private SocketKillEnforcer(ProtectedPeers guard, SockDiagClient client)
    {
        _guard = guard;
        _client = client;
    }

    /// <summary>Opens sock_diag now; throws <see cref="SockDiagException"/> when the kernel refuses (not root).</summary>
    public static SocketKillEnforcer Open(ProtectedPeers guard) => new(guard, SockDiagClient.Open());

    public bool Enforces(EnforcementKind kind) => kind == EnforcementKind.Kill;

    public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Kind != EnforcementKind.Kill)
        {
            return EnforcementResult.RecordedOnly($"{action.Kind} is not a socket kill");
        }
        try
        {
            var client = _client ?? SockDiagClient.Open();
            try
            {
                // The socket table's tcp_info is not needed to kill: the dump without it is cheaper per socket.
                var (plan, done) = SocketKill.Peer(client, new PeerPrefix(action.Target.Network, action.Target.PrefixLength), _guard, withInfo: false);
                return new EnforcementResult(plan.Refused.Count == 0 && done.Failed == 0, SocketKill.Describe(plan, done), done.Killed, done.Failed);
            }
            finally
            {
                if (_client is null)
                {
                    client.Dispose();
                }
            }
        }
        catch (SockDiagException e)
        {
            return new EnforcementResult(false, "failed: " + e.Message);
        }
    }

    public void Dispose() => _client?.Dispose();
}
