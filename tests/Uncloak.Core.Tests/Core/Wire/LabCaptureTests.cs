using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

/// <summary>
/// Issue 15: the lab's attacks, recorded with tcpdump in the server namespace (samples/wire/record-lab.sh), are named
/// with their attacker (uncloak-atk, 198.18.0.2; spoofed SYNs from 198.18.128.0/17; the ping flood from 198.18.0.2) and
/// their mechanism; the lab's
/// legitimate client (198.18.0.3) is never named.
/// </summary>
public sealed class LabCaptureTests
{
    private static readonly NetAddress Attacker = NetAddress.Parse("198.18.0.2");
    private static readonly NetAddress Client = NetAddress.Parse("198.18.0.3");

    private static (List<NetEvent> Events, WireScanner Scanner) Scan(string file)
    {
        var sink = new Collector();
        var scanner = new WireScanner(new WireOptions(), sink);
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "samples", "wire", file));
        Assert.True(CaptureReader.TryOpen(stream, out var reader, out string? problem), problem);
        scanner.Scan(reader!);
        return (sink.Events, scanner);
    }

    [Theory]
    [InlineData("lab-zero-window.pcap", EventKind.ZeroWindowHold, 0)]
    [InlineData("lab-zero-window.pcapng", EventKind.ZeroWindowHold, 0)]
    [InlineData("lab-window-shrink.pcap", EventKind.ZeroWindowHold, 1)]
    [InlineData("lab-slow-read.pcap", EventKind.SlowRead, 0)]
    public void A_connection_holding_attack_is_named_with_the_attacker_and_its_mechanism(string file, EventKind kind, byte form)
    {
        var (events, scanner) = Scan(file);

        var named = events.Where(e => e.Kind == kind && e.Form == form).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, e => Assert.Equal((Attacker, (ushort)8080), (e.Peer, e.LocalPort)));
        Assert.DoesNotContain(events, e => e.Peer == Client);
        Assert.Equal(0, scanner.Wire.FlowsEvicted);
        Assert.True(scanner.Capture.TcpPackets > 100);
    }

    [Fact]
    public void The_pcapng_copy_reads_the_same_as_the_pcap()
    {
        var (pcap, a) = Scan("lab-zero-window.pcap");
        var (pcapng, b) = Scan("lab-zero-window.pcapng");
        Assert.Equal(a.Capture.Packets, b.Capture.Packets);
        Assert.Equal(pcap.Select(e => (e.Kind, e.Peer, e.PeerPort, e.Millis, e.Time)), pcapng.Select(e => (e.Kind, e.Peer, e.PeerPort, e.Millis, e.Time)));
    }

    [Fact]
    public void The_spoofed_syn_flood_is_named_by_the_range_of_its_sources_and_called_spoofed()
    {
        var (events, _) = Scan("lab-syn-flood.pcap");
        var flood = Assert.Single(events, e => e.Kind == EventKind.SynRecvFlood);
        Assert.Equal((byte)1, flood.Form);
        Assert.Equal((NetAddress.Parse("198.18.0.1"), (ushort)8080), (flood.Local, flood.LocalPort));
        // The range of the SYNs left half-open: the lab spoofs from 198.18.128.0/17. The lab's legitimate client
        // (198.18.0.3) also sent SYNs to :8080, but completed its handshakes, so the range leaves it out (issue 15: the
        // range common to every SYN, 198.18.0.0/16, named the client too).
        Assert.Equal(NetAddress.Parse("198.18.128.0"), flood.Peer);
        Assert.NotEqual(NetAddress.Parse("198.18.128.0"), Client.Prefix(17));
        Assert.True(flood.Length > 100, $"sources {flood.Length}");
        Assert.DoesNotContain(events, e => e.Peer == Client);
    }

    [Fact]
    public void The_icmp_flood_is_named_with_its_source_and_target_and_the_server_replies_are_not_a_flood()
    {
        var (events, scanner) = Scan("lab-icmp-flood.pcap");
        Assert.True(scanner.Capture.IcmpPackets > 3000, $"ICMP packets {scanner.Capture.IcmpPackets}");
        var flood = Assert.Single(events, e => e.Kind == EventKind.IcmpFlood);
        Assert.Equal((Attacker, NetAddress.Parse("198.18.0.1"), (byte)0), (flood.Peer, flood.Local, flood.Form));
        Assert.Equal(8, flood.Queue); // echo requests
        Assert.True(flood.Count > 1000, $"packets {flood.Count}");
        // The server's 1,665 echo replies are answers, not a flood of its own; the legitimate client is never named.
        Assert.DoesNotContain(events, e => e.Peer == NetAddress.Parse("198.18.0.1") || e.Peer == Client);
        Assert.True(EventFilter.IsSpoofable(EventKind.IcmpFlood));
    }

    [Fact]
    public void Mutated_captures_never_throw_and_count_what_they_skip()
    {
        var original = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "samples", "wire", "lab-window-shrink.pcap"));
        var random = new Random(15);
        for (int round = 0; round < 300; round++)
        {
            var bytes = (byte[])original.Clone();
            for (int flips = random.Next(1, 64); flips > 0; flips--)
            {
                bytes[random.Next(24, bytes.Length)] = (byte)random.Next(256);
            }
            var cut = bytes.AsSpan(0, random.Next(24, bytes.Length)).ToArray();
            var sink = new Collector();
            var scanner = new WireScanner(new WireOptions { MaxFlows = 16 }, sink);
            Assert.True(CaptureReader.TryOpen(new MemoryStream(cut), out var reader, out _));
            scanner.Scan(reader!);
            var c = scanner.Capture;
            Assert.True(c.Packets >= c.TcpPackets + c.IcmpPackets + c.OtherPackets + c.Fragments + c.UnknownEthertype + c.UnknownLinkType);
            Assert.True(c.Bytes <= cut.Length);
            Assert.True(scanner.Wire.ActiveFlows <= 16);
        }
    }

    private sealed class Collector : IEventSink
    {
        public List<NetEvent> Events { get; } = [];

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => Events.Add(ev);
    }
}
