using Uncloak.Core.Decisions;
using Uncloak.Core.Signals;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// The socket-kill action over the host-signals code: dump the socket table (sock_diag), plan the peer's
/// sockets and destroy them with SOCK_DESTROY, through <see cref="SocketKill"/>. The ban
/// already passed the safety rules, so no further protection is applied here. One dump per target: meant for
/// `bans add --kill` of a few peers, not for 100k-entry imports.
/// </summary>
public sealed class SockDiagConnectionKiller : IConnectionKiller, IDisposable
{
    private readonly SockDiagClient _client;

    private SockDiagConnectionKiller(SockDiagClient client) => _client = client;

    /// <summary>Opens sock_diag; throws <see cref="SockDiagException"/> when the kernel refuses.</summary>
    public static SockDiagConnectionKiller Open() => new(SockDiagClient.Open());

    public ConnectionKillResult Kill(BanTarget target)
    {
        var (_, done) = SocketKill.Peer(_client, new PeerPrefix(target.Network, target.PrefixLength), new ProtectedPeers(), withInfo: false);
        return new ConnectionKillResult(done.Killed, done.Failed);
    }

    public void Dispose() => _client.Dispose();
}
