using Uncloak.Core.Events;
using Uncloak.Core.Sockets;

namespace Uncloak.Core.Signals;

/// <summary>
/// Which sockets to destroy for <c>--kill PEER</c> or <c>--kill-stuck</c>, with protected peers set aside. Pure: the
/// enforcement (SOCK_DESTROY) is the caller's.
/// </summary>
public sealed record KillPlan(IReadOnlyList<SocketRecord> Targets, IReadOnlyList<RefusedPeer> Refused)
{
    // Listening sockets are services, TIME-WAIT sockets hold nothing: neither is ever a target.
    private static bool Killable(in SocketRecord s) => s.State is not (TcpState.Listen or TcpState.TimeWait or TcpState.Close or TcpState.Unknown);

    /// <summary>Every killable socket whose remote address is inside <paramref name="peer"/>.</summary>
    public static KillPlan ForPeer(SocketTable table, PeerPrefix peer, ProtectedPeers guard)
        => Build(table.Sockets.Where(s => Killable(s) && peer.Contains(s.Id.Remote)), guard);

    /// <summary>Every socket of every zero-window hold in <paramref name="findings"/>.</summary>
    public static KillPlan ForStuck(SocketFindings findings, ProtectedPeers guard)
        => Build(findings.ZeroWindowHolds.SelectMany(h => h.Sockets).Select(s => s.Socket), guard);

    private static KillPlan Build(IEnumerable<SocketRecord> candidates, ProtectedPeers guard)
    {
        var targets = new List<SocketRecord>();
        var refused = new Dictionary<NetAddress, RefusedPeer>();
        foreach (var s in candidates)
        {
            if (guard.ReasonFor(s.Id.Remote) is { } reason)
            {
                refused[s.Id.Remote] = refused.TryGetValue(s.Id.Remote, out var r) ? r with { Sockets = r.Sockets + 1 } : new RefusedPeer(s.Id.Remote, reason, 1);
                continue;
            }
            targets.Add(s);
        }
        return new KillPlan(targets, [.. refused.Values.OrderBy(r => r.Peer)]);
    }
}
