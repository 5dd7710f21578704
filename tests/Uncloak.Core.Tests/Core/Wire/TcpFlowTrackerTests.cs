using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class TcpFlowTrackerTests
{
    private const string Server = "198.18.0.1";
    private const string Client = "198.18.0.2";
    private const TcpFlags Ack = TcpFlags.Ack;

    /// <summary>Client SYN (scale 7), server SYN-ACK (scale 7), client ACK: ISNs 1000 (client) and 5000 (server).</summary>
    private static void Handshake(WireEvents w, double at = 0, ushort port = 40000, byte clientScale = 7)
    {
        w.At(at, Frames.Tcp(Client, port, Server, 8080, TcpFlags.Syn, seq: 1000, window: 64240, options: Frames.SynOptions(clientScale)));
        w.At(at + 0.001, Frames.Tcp(Server, 8080, Client, port, TcpFlags.Syn | Ack, seq: 5000, ack: 1001, window: 65160, options: Frames.SynOptions(7)));
        w.At(at + 0.002, Frames.Tcp(Client, port, Server, 8080, Ack, seq: 1001, ack: 5001, window: 502));
    }

    [Fact]
    public void A_zero_window_held_names_the_holder_with_duration_and_probes()
    {
        var w = new WireEvents();
        Handshake(w);
        // The server sends 3000 bytes; the client acknowledges all of them and closes its window (sockstress).
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 3000));
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 8001, window: 0));
        // Linux persist probes (snd_una − 1, no data) answered with window 0.
        for (int i = 1; i <= 4; i++)
        {
            w.At(0.02 + i, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 8000, ack: 1001));
            w.At(0.021 + i, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 8001, window: 0));
        }
        w.At(5.5, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 8001, window: 500));

        var hold = Assert.Single(w.Of(EventKind.ZeroWindowHold));
        Assert.Equal((NetAddress.Parse(Client), (ushort)40000, (ushort)8080, (byte)0), (hold.Peer, hold.PeerPort, hold.LocalPort, hold.Form));
        Assert.Equal(5480, hold.Millis);
        Assert.Equal(0, hold.Length);
        Assert.Equal(4, hold.Queue);
        Assert.Contains("4 of 4 probes answered with window 0 (persist stall)", w.All.Single().Message);
        Assert.Equal(4, w.Tracker.Statistics.ZeroWindowProbes);
        Assert.Equal(0, w.Tracker.Statistics.Retransmissions);
    }

    [Fact]
    public void A_short_zero_window_is_not_reported()
    {
        var w = new WireEvents();
        Handshake(w);
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 1000));
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6001, window: 0));
        w.At(0.5, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6001, window: 500));
        Assert.Empty(w.All);
        Assert.Equal(1, w.Tracker.Statistics.ZeroWindows);
    }

    [Fact]
    public void A_hold_still_going_at_the_end_of_the_capture_is_reported_by_flush()
    {
        var w = new WireEvents();
        Handshake(w);
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 1000));
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6001, window: 0));
        w.At(3.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6001, window: 0));
        Assert.Empty(w.All);
        w.Tracker.Flush();
        Assert.Equal(3000, Assert.Single(w.Of(EventKind.ZeroWindowHold)).Millis);
    }

    [Fact]
    public void A_right_edge_moving_back_over_data_in_flight_is_a_shrink_by_that_side()
    {
        var w = new WireEvents();
        Handshake(w);
        // Client offers 502 << 7 = 64256 bytes; the server sends 20000; the client acknowledges nothing and closes: treason.
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 20000));
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 0));
        w.Tracker.Flush();

        var shrink = Assert.Single(w.Of(EventKind.ZeroWindowHold), e => e.Form == 1);
        Assert.Equal((byte)1, shrink.Form);
        Assert.Equal(NetAddress.Parse(Client), shrink.Peer);
        Assert.Equal(20000, shrink.Length);
        Assert.Equal(5001u + 64256u, shrink.SeqFrom);
        Assert.Equal(5001u, shrink.SeqTo);
    }

    [Fact]
    public void A_window_closed_while_a_segment_was_still_on_the_wire_and_that_segment_then_taken_is_no_shrink()
    {
        // The lab's zero-window holder: it offers 1072 bytes, the server sends two 536-byte segments, the holder acknowledges
        // the first with window 0 (the edge moves back over the second, still on the wire), then takes and acknowledges
        // the second at once. Nothing was ever retransmitted into a shut window: a zero-window hold, not treason.
        var w = new WireEvents();
        Handshake(w, clientScale: 0);
        w.At(0.005, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 1072));
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 536));
        w.At(0.011, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5537, ack: 1001, payload: 536));
        w.At(0.012, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5537, window: 0));
        w.At(0.013, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6073, window: 0));
        w.At(3.5, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6073, window: 0));
        w.Tracker.Flush();

        Assert.Equal(1, w.Tracker.Statistics.ShrinksTakenBack);
        var hold = Assert.Single(w.Of(EventKind.ZeroWindowHold));
        Assert.Equal((byte)0, hold.Form);
    }

    [Fact]
    public void Data_retracted_and_acknowledged_only_after_a_retransmission_timeout_is_a_shrink()
    {
        var w = new WireEvents();
        Handshake(w, clientScale: 0);
        w.At(0.005, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 1072));
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 536));
        w.At(0.011, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5537, ack: 1001, payload: 536));
        w.At(0.012, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5537, window: 0));
        w.At(0.5, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 6073, window: 0));

        var shrink = Assert.Single(w.Of(EventKind.ZeroWindowHold));
        Assert.Equal((byte)1, shrink.Form);
        Assert.Equal(536, shrink.Length);
        Assert.Equal(0, w.Tracker.Statistics.ShrinksTakenBack);
    }

    [Fact]
    public void A_window_that_shrinks_only_by_scaling_rounding_is_not_a_shrink()
    {
        var w = new WireEvents();
        Handshake(w);
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 100));
        // ack +100, window one unit (128 bytes) less: the edge moves back 28 bytes, within one scale unit.
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5101, window: 501));
        Assert.Empty(w.All);
    }

    [Fact]
    public void Mid_flow_the_scale_is_unknown_and_windows_are_read_unscaled()
    {
        var w = new WireEvents();
        // No handshake: raw window 502 may be 64256 bytes or 502. The server has sent 300 bytes beyond the ack.
        w.At(0, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 502));
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 300));
        // Window 100 at the same ack: the edge moved back 402 bytes at scale 0, more at any other scale: a shrink.
        w.At(0.02, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 100));
        // The verdict falls at the next packet past TCP's minimum retransmission timeout: the 300 bytes are still unacknowledged.
        w.At(0.3, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5001, window: 100));
        var shrink = Assert.Single(w.All);
        Assert.Contains("scale unknown", shrink.Message);
        Assert.Equal(1, w.Tracker.Statistics.UnknownScaleFlows);
        // A tiny raw window for long never makes a slow-read verdict when the scale is unknown.
        for (int i = 1; i <= 20; i++)
        {
            w.At(i, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5301 + (uint)i, ack: 1001, payload: 1));
            w.At(i + 0.01, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: 5302 + (uint)i, window: 8));
        }
        w.Tracker.Flush();
        Assert.Empty(w.Of(EventKind.SlowRead));
    }

    [Fact]
    public void A_window_kept_tiny_for_long_is_a_slow_reader()
    {
        var w = new WireEvents();
        Handshake(w, clientScale: 0);
        uint seq = 5001;
        for (int i = 0; i < 8; i++)
        {
            w.At(0.1 + i, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: seq, ack: 1001, payload: 16));
            seq += 16;
            w.At(0.2 + i, Frames.Tcp(Client, 40000, Server, 8080, Ack, seq: 1001, ack: seq, window: 16));
        }
        var slow = Assert.Single(w.Of(EventKind.SlowRead));
        Assert.Equal(NetAddress.Parse(Client), slow.Peer);
        Assert.Equal(8080, slow.LocalPort);
        Assert.Equal(5000, slow.Millis);
        Assert.Equal(5 * 16, slow.Length);
    }

    [Fact]
    public void Spoofed_syns_without_follow_up_make_a_flood_with_spoofing_hints()
    {
        var w = new WireEvents(new WireOptions { SynFloodSyns = 100 });
        var random = new Random(15);
        for (int i = 0; i < 400; i++)
        {
            string source = $"198.18.{128 + random.Next(128)}.{random.Next(1, 255)}";
            w.At(i * 0.01, Frames.Tcp(source, (ushort)(1024 + i), Server, 8080, TcpFlags.Syn, seq: (uint)random.Next(), ttl: (byte)random.Next(32, 255)));
        }
        w.At(11, Frames.Tcp(Client, 1, Server, 22, Ack));

        var flood = Assert.Single(w.Of(EventKind.SynRecvFlood));
        Assert.Equal((byte)1, flood.Form);
        Assert.Equal((NetAddress.Parse(Server), (ushort)8080, 400L), (flood.Local, flood.LocalPort, flood.Count));
        Assert.InRange(flood.Length, 360, 420);
        Assert.InRange(flood.Queue, 100, 135);
        Assert.Equal(NetAddress.Parse("198.18.128.0"), flood.Peer);
        Assert.Contains("within 198.18.128.0/17", w.All.Single(e => e.Event.Kind == EventKind.SynRecvFlood).Message);
    }

    [Fact]
    public void A_flood_spoofed_from_the_legitimate_clients_range_names_no_source_range()
    {
        // Issue 15: the flood's forged sources span 198.18.0.0/16, where the real client (198.18.0.2) lives and completes
        // its handshakes. No range that leaves the client out covers the sources: none is named, the destination is.
        var w = new WireEvents(new WireOptions { SynFloodSyns = 100 });
        var random = new Random(17);
        for (int i = 0; i < 300; i++)
        {
            string source = $"198.18.{random.Next(1, 256)}.{random.Next(1, 255)}";
            w.At(i * 0.01, Frames.Tcp(source, (ushort)(1024 + i), Server, 8080, TcpFlags.Syn, seq: (uint)random.Next(), ttl: (byte)random.Next(32, 255)));
            w.At(i * 0.01 + 0.0001, Frames.Tcp(Server, 8080, source, (ushort)(1024 + i), TcpFlags.Syn | Ack, seq: 7, ack: 1));
            if (i % 30 == 0)
            {
                Handshake(w, at: i * 0.01 + 0.001, port: (ushort)(40000 + i));
            }
        }
        w.Tracker.Flush();

        var flood = Assert.Single(w.Of(EventKind.SynRecvFlood));
        Assert.Equal((NetAddress.Parse(Server), (ushort)8080), (flood.Local, flood.LocalPort));
        Assert.Equal(NetAddress.None, flood.Peer);
        Assert.Equal((byte)1, flood.Form);
        Assert.Contains("no source named", w.All.Single(e => e.Event.Kind == EventKind.SynRecvFlood).Message);
        Assert.DoesNotContain(w.All, e => e.Event.Peer == NetAddress.Parse(Client));
    }

    [Fact]
    public void A_flood_from_a_narrow_range_apart_from_the_clients_is_named_by_that_range()
    {
        var w = new WireEvents(new WireOptions { SynFloodSyns = 100 });
        var random = new Random(18);
        for (int i = 0; i < 300; i++)
        {
            string source = $"198.19.77.{random.Next(1, 255)}";
            w.At(i * 0.01, Frames.Tcp(source, (ushort)(1024 + i), Server, 8080, TcpFlags.Syn, seq: (uint)random.Next(), ttl: (byte)random.Next(32, 255)));
            if (i % 30 == 0)
            {
                Handshake(w, at: i * 0.01 + 0.001, port: (ushort)(40000 + i));
            }
        }
        w.Tracker.Flush();

        var flood = Assert.Single(w.Of(EventKind.SynRecvFlood));
        Assert.Equal(NetAddress.Parse("198.19.77.0"), flood.Peer);
        Assert.Contains("within 198.19.77.0/24", w.All.Single(e => e.Event.Kind == EventKind.SynRecvFlood).Message);
    }

    [Fact]
    public void A_ping_flood_from_many_sources_names_the_target_and_no_source_and_replies_do_not_count()
    {
        var w = new WireEvents(new WireOptions { IcmpFloodPackets = 200 });
        for (int i = 0; i < 400; i++)
        {
            string source = $"2001:2::{i % 100 + 10:x}";
            w.AtIcmp(i * 0.01, Frames.Icmp(source, "2001:2::1", 128));
            w.AtIcmp(i * 0.01 + 0.0001, Frames.Icmp("2001:2::1", source, 129)); // the echo replies
        }
        w.Tracker.Flush();

        var flood = Assert.Single(w.Of(EventKind.IcmpFlood));
        Assert.Equal((NetAddress.None, NetAddress.Parse("2001:2::1"), (byte)1, 400L, (byte)58), (flood.Peer, flood.Local, flood.Form, flood.Count, flood.Protocol));
        Assert.Equal(800, w.Tracker.Statistics.IcmpMessages);
    }

    [Fact]
    public void Syns_from_one_host_that_complete_are_not_spoofed()
    {
        var w = new WireEvents(new WireOptions { SynFloodSyns = 100 });
        for (int i = 0; i < 150; i++)
        {
            Handshake(w, at: i * 0.05, port: (ushort)(20000 + i));
        }
        w.Tracker.Flush();
        var flood = Assert.Single(w.Of(EventKind.SynRecvFlood));
        Assert.Equal((byte)0, flood.Form);
        Assert.Equal(0, flood.Count);
        Assert.Equal(NetAddress.Parse(Client), flood.Peer);
    }

    [Fact]
    public void Resets_and_retransmissions_in_bulk_are_storms()
    {
        var w = new WireEvents(new WireOptions { RstStormResets = 50, RetransmitStormSegments = 50 });
        Handshake(w);
        w.At(0.01, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 1000));
        for (int i = 0; i < 60; i++)
        {
            w.At(0.1 + i * 0.1, Frames.Tcp(Server, 8080, Client, 40000, Ack, seq: 5001, ack: 1001, payload: 1000));
            w.At(0.1 + i * 0.1, Frames.Tcp("198.18.0.66", (ushort)(3000 + i), Server, 8080, TcpFlags.Rst, seq: (uint)i));
        }
        w.Tracker.Flush();
        var storm = Assert.Single(w.Of(EventKind.RetransmitStorm));
        Assert.Equal((NetAddress.Parse(Client), 60L), (storm.Peer, storm.Count));
        var resets = Assert.Single(w.Of(EventKind.RstStorm));
        Assert.Equal((NetAddress.Parse("198.18.0.66"), 60L), (resets.Peer, resets.Count));
    }

    [Theory]
    [InlineData("198.18.0.9", TcpFlags.Syn | TcpFlags.Fin, OddPacketForm.BadFlags)]
    [InlineData("198.18.0.9", TcpFlags.None, OddPacketForm.BadFlags)]
    [InlineData("198.18.0.9", TcpFlags.Fin | TcpFlags.Psh | TcpFlags.Urg, OddPacketForm.BadFlags)]
    [InlineData("127.0.0.5", TcpFlags.Syn, OddPacketForm.BogonSource)]
    [InlineData("224.0.0.1", TcpFlags.Ack, OddPacketForm.BogonSource)]
    public void Odd_packets_are_counted_per_reason_and_source(string source, TcpFlags flags, OddPacketForm form)
    {
        var w = new WireEvents();
        w.At(0, Frames.Tcp(source, 5555, Server, 80, flags));
        w.At(0.1, Frames.Tcp(source, 5556, Server, 80, flags));
        w.Tracker.Flush();
        var odd = Assert.Single(w.Of(EventKind.OddPacket));
        Assert.Equal(((byte)form, NetAddress.Parse(source), 2L), (odd.Form, odd.Peer, odd.Count));
    }

    [Fact]
    public void The_flow_table_is_bounded_and_evictions_are_counted()
    {
        var w = new WireEvents(new WireOptions { MaxFlows = 16 });
        for (int i = 0; i < 100; i++)
        {
            Handshake(w, at: i * 0.01, port: (ushort)(30000 + i));
        }
        Assert.Equal(100, w.Tracker.Statistics.Flows);
        Assert.Equal(84, w.Tracker.Statistics.FlowsEvicted);
        Assert.Equal(16, w.Tracker.Statistics.ActiveFlows);
    }

    [Fact]
    public void Flows_idle_past_the_limit_are_forgotten()
    {
        var w = new WireEvents(new WireOptions { FlowIdle = TimeSpan.FromSeconds(30) });
        Handshake(w);
        w.At(100, Frames.Tcp(Client, 1, Server, 22, TcpFlags.Syn, options: Frames.SynOptions(7)));
        Assert.Equal(1, w.Tracker.Statistics.ActiveFlows);
    }
}
