using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Uncloak.Core.Counters;
using Uncloak.Core.Events;
using Uncloak.Core.Signals;
using Uncloak.Core.Wire;
using Uncloak.Linux.Counters;
using Uncloak.Linux.Sockets;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sockets;

/// <summary>Issue 3: a peer that holds our window shut is named by `uncloak sockets`, the counters move, and --kill frees the socket.</summary>
public sealed class ZeroWindowHoldTests
{
    private const int Port = 8080;

    private static Socket Listen(IPAddress address, int port, int backlog)
    {
        var l = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        l.Bind(new IPEndPoint(address, port));
        l.Listen(backlog);
        return l;
    }

    private static CounterSnapshot Counters(NetworkLab lab) => lab.InServer(() => new CounterReader(procNet: "/proc/thread-self/net").Read());

    private static ZeroWindowHold? HoldOf(NetworkLab lab, IPAddress peer, ZeroWindowForm form) => lab.InServer(() =>
    {
        using var diag = SockDiagClient.Open();
        var hold = SocketAnalyzer.Analyze(diag.Dump()).ZeroWindowHolds.FirstOrDefault(h => h.Peer == NetAddress.FromIPAddress(peer));
        return hold?.Form == form ? hold : null;
    });

    private static JsonElement FindingOf(CliRun.Result result, string kind, IPAddress peer)
        => result.Json.GetProperty("findings").EnumerateArray()
            .Single(f => f.GetProperty("kind").GetString() == kind && f.GetProperty("peer").GetString() == peer.ToString());

    /// <summary>Kills the peer's sockets with <c>--kill PEER</c>, or with <c>--kill-stuck</c> when <paramref name="stuck"/>.</summary>
    private static void AssertKilled(NetworkLab lab, IPAddress peer, bool stuck = false)
    {
        string[] how = stuck ? ["--kill-stuck"] : ["--kill", peer.ToString()];
        // An allowlisted peer is refused, and its socket survives.
        string net = peer.AddressFamily == AddressFamily.InterNetwork ? "/24" : "/64";
        var refused = lab.InServer(() => CliRun.Run(["sockets", .. how, "--allow", peer + net, "--json"]));
        Assert.Equal(2, refused.ExitCode);
        Assert.Equal(0, refused.Json.GetProperty("killed").GetInt32());
        var why = Assert.Single(refused.Json.GetProperty("refused").EnumerateArray());
        Assert.Equal(peer.ToString(), why.GetProperty("peer").GetString());
        Assert.Contains("--allow", why.GetProperty("reason").GetString());

        var kill = lab.InServer(() => CliRun.Run(["sockets", .. how, "--json"]));
        Assert.True(kill.ExitCode == 0, kill.Output + kill.Error);
        Assert.Equal(1, kill.Json.GetProperty("killed").GetInt32());
        Assert.Equal(0, kill.Json.GetProperty("refused").GetArrayLength());
        int left = lab.InServer(() =>
        {
            using var diag = SockDiagClient.Open();
            return diag.Dump().Sockets.Count(s => s.Id.Remote == NetAddress.FromIPAddress(peer) && s.State != Uncloak.Core.Sockets.TcpState.TimeWait);
        });
        Assert.Equal(0, left);
    }

    [RootFact]
    public void A_client_that_stops_reading_is_named_as_a_zero_window_hold_and_kill_frees_the_servers_socket()
    {
        using var lab = NetworkLab.Create();
        NonReadingClient(lab, lab.ServerAddress, lab.PeerAddress);
    }

    [RootFact]
    public void An_ipv6_client_that_stops_reading_is_named_and_killed_too()
    {
        using var lab = NetworkLab.Create();
        NonReadingClient(lab, lab.ServerAddress6, lab.PeerAddress6);
    }

    private static void NonReadingClient(NetworkLab lab, IPAddress serverAddress, IPAddress peerAddress)
    {
        using var listener = lab.InServer(() => Listen(serverAddress, Port, 16));
        var before = Counters(lab);
        using var client = lab.InPeer(() => new Socket(serverAddress.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 });
        client.Connect(new IPEndPoint(serverAddress, Port));
        client.Send("GET /big HTTP/1.0\r\n\r\n"u8);
        Assert.True(listener.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "the server never saw the connection");
        using var server = listener.Accept();
        server.Blocking = false;

        // The server answers with far more than the client will ever read: bounded at 64 MiB, stops at the first EAGAIN.
        var chunk = new byte[64 * 1024];
        long sent = 0;
        while (sent < 64L << 20)
        {
            int n = server.Send(chunk, SocketFlags.None, out var err);
            if (err != SocketError.Success)
            {
                Assert.Equal(SocketError.WouldBlock, err);
                break;
            }
            sent += n;
        }
        Assert.True(sent > 0);

        Poll.Until(() => HoldOf(lab, peerAddress, ZeroWindowForm.PeerNotReading), TimeSpan.FromSeconds(15), "the server socket to stall on a zero window");

        // The server probes the closed window: TCPWinProbe moves in the server's namespace.
        Poll.Until(() => Counters(lab)["TcpExt.TCPWinProbe"] > before["TcpExt.TCPWinProbe"] ? "moved" : null,
            TimeSpan.FromSeconds(15), "TCPWinProbe to move");

        var report = lab.InServer(() => CliRun.Run("sockets", "--once", "--json"));
        Assert.True(report.ExitCode == 1, report.Error);
        // The report's own cross-check reads the same namespace's counters.
        Assert.True(report.Json.GetProperty("counters").GetProperty("TcpExt.TCPWinProbe").GetInt64() > before["TcpExt.TCPWinProbe"]);
        var finding = FindingOf(report, "zero_window_hold", peerAddress);
        Assert.Equal(Port, finding.GetProperty("local_port").GetInt32());
        Assert.Equal("peer_not_reading", finding.GetProperty("form").GetString());
        Assert.True(finding.GetProperty("stuck_bytes").GetInt64() > 0);
        Assert.Equal(1, finding.GetProperty("sockets").GetInt32());
        Assert.Single(report.Json.GetProperty("findings").EnumerateArray()); // exactly that peer, nothing else

        // The server's own address is never a kill target (read from the namespace's interfaces).
        var own = lab.InServer(() => CliRun.Run("sockets", "--kill", serverAddress.ToString(), "--json"));
        Assert.Equal(2, own.ExitCode);
        Assert.Contains("own addresses", Assert.Single(own.Json.GetProperty("refused").EnumerateArray()).GetProperty("reason").GetString());

        AssertKilled(lab, peerAddress);
        Assert.NotEqual(SocketError.Success, SendOnce(server));
    }

    private static SocketError SendOnce(Socket server)
    {
        server.Send("x"u8, SocketFlags.None, out var err);
        return err;
    }

    [RootFact]
    public void A_peer_that_shrinks_its_window_with_data_in_flight_is_named_as_a_shrunk_window_hold()
    {
        using var lab = NetworkLab.Create();
        lab.DropPeerResets();
        using var listener = lab.InServer(() => Listen(lab.ServerAddress, Port, 16));
        using var raw = lab.InPeer(() => new RawPeer());
        var peer = NetAddress.FromIPAddress(lab.PeerAddress);
        var serverAddress = NetAddress.FromIPAddress(lab.ServerAddress);
        ushort sport = (ushort)Random.Shared.Next(40000, 60000);
        uint isn = (uint)Random.Shared.Next();
        var syn = new TcpPacket
        {
            Source = peer, Destination = serverAddress, SourcePort = sport, DestinationPort = Port,
            Sequence = isn, Flags = TcpFlags.Syn, Window = 4000, Mss = 1000,
        };
        raw.Send(syn);
        var synAck = raw.Receive(s => s.SourcePort == Port && s.DestinationPort == sport && s.Flags.HasFlag(TcpFlags.Syn | TcpFlags.Ack), TimeSpan.FromSeconds(5))
            ?? throw new TimeoutException("no SYN-ACK from the server");
        uint serverIsn = synAck.Sequence;
        var ack = syn with { Sequence = isn + 1, Acknowledgement = serverIsn + 1, Flags = TcpFlags.Ack, Mss = 0 };
        raw.Send(ack); // handshake complete; window 4000 offered

        Assert.True(listener.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "the handshake never completed");
        using var server = listener.Accept();
        server.Blocking = false;
        server.Send(new byte[64 * 1024], SocketFlags.None, out _); // the kernel sends what the 4000-byte window allows

        var data = raw.Receive(s => s.SourcePort == Port && s.DestinationPort == sport && s.PayloadLength > 0, TimeSpan.FromSeconds(5))
            ?? throw new TimeoutException("the server sent no data");
        Assert.Equal(serverIsn + 1, data.Sequence);
        // Take the window back: acknowledge nothing and advertise 0 while those bytes are in flight.
        raw.Send(ack with { Window = 0 });

        Poll.Until(() => HoldOf(lab, lab.PeerAddress, ZeroWindowForm.WindowShrunk), TimeSpan.FromSeconds(15), "the server socket to see a shrunk window");

        var report = lab.InServer(() => CliRun.Run("sockets", "--once", "--json"));
        var finding = FindingOf(report, "zero_window_hold", lab.PeerAddress);
        Assert.Equal("window_shrunk", finding.GetProperty("form").GetString());
        Assert.Equal(Port, finding.GetProperty("local_port").GetInt32());
        Assert.Equal(sport, finding.GetProperty("peer_port").GetInt32());
        Assert.True(finding.GetProperty("stuck_bytes").GetInt64() > 0);
        var connection = finding.GetProperty("connections")[0];
        Assert.Equal(0, connection.GetProperty("snd_wnd").GetInt32());
        Assert.True(connection.GetProperty("unacked").GetInt32() > 0);

        AssertKilled(lab, lab.PeerAddress, stuck: true);
    }
}
