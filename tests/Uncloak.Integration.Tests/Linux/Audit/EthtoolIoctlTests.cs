using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Audit;
using Uncloak.Core.Events;
using Uncloak.Linux.Audit;
using Uncloak.Linux.Interop;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Audit;

/// <summary>The SIOCETHTOOL and sock_diag interop against the real kernel, on a veth pair and a listener inside a test namespace.</summary>
public sealed class EthtoolIoctlTests
{
    [RootFact]
    public void Veth_answers_driver_link_settings_and_statistics_and_has_no_pause_settings()
    {
        using var ns = NetworkNamespace.Create();
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "add", "uc-veth0", "type", "veth", "peer", "name", "uc-veth1");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-veth0", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-veth1", "up");
        int peerIndex = ns.IfIndex("uc-veth1");

        var state = ns.OnThreadInside(() => new EthtoolIoctl().Query("uc-veth0"));

        Assert.NotNull(state);
        Assert.Equal("veth", state.Driver);
        Assert.Equal(10000, state.SpeedMbps);        // veth_get_link_ksettings: SPEED_10000, DUPLEX_FULL, AUTONEG_DISABLE
        Assert.Equal(Duplex.Full, state.Duplex);
        Assert.False(state.Autoneg);
        Assert.Empty(state.Supported);
        Assert.Null(state.Pause);                    // no get_pauseparam in veth: EOPNOTSUPP
        Assert.Equal(peerIndex, state.Statistics["peer_ifindex"]);
    }

    [RootFact]
    public void Unknown_interface_yields_nothing_and_pause_change_on_veth_is_refused_not_faked()
    {
        using var ns = NetworkNamespace.Create();
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "add", "uc-veth0", "type", "veth", "peer", "name", "uc-veth1");
        var (missing, refusal) = ns.OnThreadInside(() =>
            (new EthtoolIoctl().Query("uc-nosuch0"), NicFixer.Apply(new NicChange("uc-veth0", NicAction.DisablePause))));
        Assert.Null(missing);
        Assert.NotNull(refusal);
        Assert.Contains("EOPNOTSUPP", refusal);
    }

    [RootFact]
    public void Sock_diag_reports_a_listener_s_effective_backlog()
    {
        using var ns = NetworkNamespace.Create();
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        var (port, listeners) = ns.OnThreadInside(() =>
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            socket.Listen(37);
            int p = ((IPEndPoint)socket.LocalEndPoint!).Port;
            using var client = Uncloak.Linux.Sockets.SockDiagClient.Open();
            return (p, client.Dump(Uncloak.Core.Sockets.TcpStates.Bit(Uncloak.Core.Sockets.TcpState.Listen), withInfo: false).Sockets);
        });
        var l = Assert.Single(listeners, x => x.Id.LocalPort == port);
        Assert.Equal(IPAddress.Loopback, l.Id.Local.ToIPAddress());
        Assert.Equal(37u, l.WQueue);   // a listener's backlog
        Assert.Equal(0u, l.RQueue);    // its accept queue
    }
}
