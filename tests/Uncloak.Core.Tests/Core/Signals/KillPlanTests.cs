using Uncloak.Core.Events;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Signals;

public sealed class KillPlanTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private static SocketRecord Sock(string remote, TcpState state = TcpState.Established, SocketTimer timer = SocketTimer.None, uint wq = 0)
        => new()
        {
            Id = new SocketId { Family = SockDiag.AF_INET, Local = NetAddress.Parse("198.18.1.1"), LocalPort = 443, Remote = NetAddress.Parse(remote), RemotePort = 50000 },
            State = state,
            Timer = timer,
            WQueue = wq,
            Info = new TcpInfo { Length = 248, LastDataSent = 60_000, SndWnd = timer == SocketTimer.Persist ? 0u : 65535u },
        };

    private static ProtectedPeers Guard(string? ssh = null, params string[] allow)
        => ProtectedPeers.Standard([NetAddress.Parse("198.18.1.1")], ssh, null, allow.Select(a => PeerPrefix.TryParse(a, out var p) ? p : throw new FormatException(a)));

    [Theory]
    [InlineData("198.18.0.0/15", "198.19.255.1", true)]
    [InlineData("198.18.0.0/15", "198.20.0.1", false)]
    [InlineData("2001:2::/48", "2001:2:0:ffff::1", true)]
    [InlineData("2001:2::/48", "2001:2:1::1", false)]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    public void A_prefix_contains_exactly_its_addresses(string prefix, string address, bool contained)
    {
        Assert.True(PeerPrefix.TryParse(prefix, out var p));
        Assert.Equal(contained, p.Contains(NetAddress.Parse(address)));
    }

    [Theory]
    [InlineData("198.18.0.0/33")]
    [InlineData("not-an-address")]
    [InlineData("198.18.0.0/")]
    [InlineData("198.18.0.0/-1")]
    public void A_malformed_prefix_does_not_parse(string text) => Assert.False(PeerPrefix.TryParse(text, out _));

    [Fact]
    public void Loopback_own_addresses_the_ssh_client_and_allowed_networks_are_refused_with_their_reason()
    {
        var guard = Guard("192.0.2.50 51234 198.18.1.1 22", "203.0.113.0/24");
        Assert.Equal("loopback", guard.ReasonFor(NetAddress.Parse("127.0.0.2")));
        Assert.Equal("loopback", guard.ReasonFor(NetAddress.Parse("::1")));
        Assert.Contains("own addresses", guard.ReasonFor(NetAddress.Parse("198.18.1.1")));
        Assert.Contains("SSH_CONNECTION", guard.ReasonFor(NetAddress.Parse("192.0.2.50")));
        Assert.Contains("--allow", guard.ReasonFor(NetAddress.Parse("203.0.113.9")));
        Assert.Null(guard.ReasonFor(NetAddress.Parse("198.51.100.1")));
    }

    [Fact]
    public void Killing_a_peer_targets_its_connections_but_never_listeners_time_wait_or_protected_peers()
    {
        var table = new SocketTable(T0,
        [
            Sock("198.51.100.1"),
            Sock("198.51.100.1", TcpState.TimeWait),
            Sock("198.51.100.2"),
            Sock("0.0.0.0", TcpState.Listen),
            Sock("192.0.2.50"),
        ]);
        var one = KillPlan.ForPeer(table, PeerPrefix.Single(NetAddress.Parse("198.51.100.1")), Guard());
        Assert.Single(one.Targets);
        var all = KillPlan.ForPeer(table, new PeerPrefix(NetAddress.Parse("0.0.0.0"), 0), Guard("192.0.2.50 1 2 3"));
        Assert.Equal(2, all.Targets.Count);
        var refused = Assert.Single(all.Refused);
        Assert.Equal(NetAddress.Parse("192.0.2.50"), refused.Peer);
    }

    [Fact]
    public void Killing_the_stuck_targets_only_sockets_of_zero_window_holds()
    {
        var stuck = Sock("198.51.100.1", timer: SocketTimer.Persist, wq: 5000);
        var table = new SocketTable(T0, [stuck, Sock("198.51.100.2", wq: 5000), Sock("127.0.0.1", timer: SocketTimer.Persist, wq: 10)]);
        var plan = KillPlan.ForStuck(SocketAnalyzer.Analyze(table), Guard());
        Assert.Equal(stuck.Id, Assert.Single(plan.Targets).Id);
        Assert.Equal("loopback", Assert.Single(plan.Refused).Reason);
    }
}
