using System.Net;
using System.Net.Sockets;
using Uncloak.Core.Events;
using Uncloak.Core.Signals;
using Uncloak.Core.Wire;
using Uncloak.Linux.Sockets;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sockets;

/// <summary>Issue 3: half-open connections from many spoofed 198.18.x sources are a SYN-RECV flood with a spoofed verdict.</summary>
public sealed class SynRecvFloodTests
{
    private const int Port = 8081;
    private const int Syns = 256; // 64 /24s × 4 hosts, one SYN each: bounded

    [RootFact]
    public void Syns_from_many_spoofed_sources_are_a_syn_recv_flood_judged_spoofed()
    {
        using var lab = NetworkLab.Create();
        using var listener = lab.InServer(() =>
        {
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(lab.ServerAddress, Port));
            l.Listen(1024); // room for every half-open request: no cookies, so each one is a SYN-RECV entry
            return l;
        });
        using var raw = lab.InPeer(() => new RawPeer());
        var server = NetAddress.FromIPAddress(lab.ServerAddress);
        for (int i = 0; i < Syns; i++)
        {
            raw.Send(new TcpPacket
            {
                Source = NetAddress.Parse($"198.18.{100 + i / 4}.{10 + i % 4}"),
                Destination = server,
                SourcePort = (ushort)(20000 + i),
                DestinationPort = Port,
                Sequence = (uint)Random.Shared.Next(),
                Flags = TcpFlags.Syn,
                Window = 64240,
                Mss = 1460,
            });
        }

        var flood = Poll.Until(() => lab.InServer(() =>
        {
            using var diag = SockDiagClient.Open();
            return SocketAnalyzer.Analyze(diag.Dump()).SynRecvFloods.FirstOrDefault(f => f.LocalPort == Port && f.HalfOpen >= Syns * 3 / 4);
        }), TimeSpan.FromSeconds(10), "the half-open connections to appear");
        Assert.True(flood.Spoofed, flood.Verdict);

        var report = lab.InServer(() => CliRun.Run("sockets", "--once", "--json"));
        Assert.Equal(1, report.ExitCode);
        var finding = report.Json.GetProperty("findings").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "syn_recv_flood");
        Assert.Equal(Port, finding.GetProperty("local_port").GetInt32());
        Assert.Equal(lab.ServerAddress.ToString(), finding.GetProperty("local").GetString());
        Assert.True(finding.GetProperty("spoofed").GetBoolean());
        Assert.True(finding.GetProperty("half_open").GetInt32() >= Syns * 3 / 4);
        Assert.True(finding.GetProperty("prefixes").GetInt32() >= 48);
        Assert.Equal(0, finding.GetProperty("completed_sources").GetInt32());
        Assert.StartsWith("198.18.", finding.GetProperty("top_prefixes")[0].GetProperty("prefix").GetString());
        var view = report.Json.GetProperty("listeners").EnumerateArray().Single(l => l.GetProperty("local_port").GetInt32() == Port);
        Assert.True(view.GetProperty("syn_recv").GetInt32() >= Syns * 3 / 4);
        Assert.Equal(1024, view.GetProperty("backlog").GetInt32());
    }
}
