using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sources;

/// <summary>Issue 15: the live capture source (AF_PACKET TPACKET_V3 ring, our BPF filter) names a client that stops reading.</summary>
public sealed class LiveCaptureTests
{
    private const int Port = 8080;

    [RootFact]
    public async Task The_live_capture_names_a_client_holding_the_window_shut_and_filters_out_everything_but_tcp()
    {
        using var lab = NetworkLab.Create();
        var source = new PacketCaptureSource(new CaptureSourceOptions
        {
            Interface = "any",
            RingMegabytes = 2,
            BlockKilobytes = 256,
            Wire = new WireOptions { ZeroWindowHold = TimeSpan.FromSeconds(1), CountWindow = TimeSpan.FromSeconds(1) },
        }, TimeProvider.System);
        lab.InServer(() =>
        {
            source.Open();
            return 0;
        });
        var sink = new CollectingSink();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var run = source.RunAsync(sink, stop.Token);

        // ICMP through the same interface (answered or not: the lab's peer may drop it), which the filter must keep in the kernel.
        _ = NetworkLabPing(lab);

        using var listener = lab.InServer(() =>
        {
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(lab.ServerAddress, Port));
            l.Listen(4);
            return l;
        });
        using var client = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 });
        client.Connect(new IPEndPoint(lab.ServerAddress, Port));
        Assert.True(listener.Poll(TimeSpan.FromSeconds(5), SelectMode.SelectRead), "the server never saw the connection");
        using var server = listener.Accept();
        server.Blocking = false;
        var chunk = new byte[64 * 1024];
        for (int i = 0; i < 1024; i++)
        {
            server.Send(chunk, SocketFlags.None, out var err);
            if (err != SocketError.Success)
            {
                break;
            }
        }

        var peer = NetAddress.FromIPAddress(lab.PeerAddress);
        var hold = Poll.Until(() => Events(sink).Where(e => e.Kind == EventKind.ZeroWindowHold && e.Peer == peer).Select(e => new StrongBox<NetEvent>(e)).FirstOrDefault(),
            TimeSpan.FromSeconds(20), "a zero-window hold by the client from the live capture").Value;
        Assert.Equal(Port, hold.LocalPort);
        Assert.Equal((byte)0, hold.Form);
        Assert.True(hold.Millis >= 1000);

        await stop.CancelAsync();
        await run;
        var scanner = source.Scanner!;
        Assert.True(scanner.Capture.TcpPackets > 0);
        Assert.Equal(0, scanner.Capture.OtherPackets); // no ICMP got past the filter
        Assert.Empty(sink.Problems);
        Assert.All(sink.Batches, b => Assert.StartsWith("capture:any", b.Source, StringComparison.Ordinal));
    }

    private static List<NetEvent> Events(CollectingSink sink)
    {
        return [.. sink.Batches.ToArray().SelectMany(b => b.Events).Select(e => e.Event)];
    }

    private static int NetworkLabPing(NetworkLab lab)
        => Support.NetworkNamespace.Capture(["ip", "netns", "exec", lab.Peer, "ping", "-c", "3", "-i", "0.2", "-W", "1", lab.ServerAddress.ToString()]).Exit;
}
