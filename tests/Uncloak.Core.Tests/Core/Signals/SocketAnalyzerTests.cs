using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using Uncloak.Core.Signals;
using Uncloak.Core.Sockets;
using Uncloak.Core.Tests.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Signals;

public sealed class SocketAnalyzerTests
{
    private static readonly DateTime T0 = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);
    private static ulong _cookie = 1000;

    private static SocketRecord Sock(TcpState state, string local, ushort lport, string remote, ushort rport, TcpInfo info = default,
        SocketTimer timer = SocketTimer.None, uint rq = 0, uint wq = 0, ulong? cookie = null)
        => new()
        {
            Id = new SocketId
            {
                Family = SockDiag.AF_INET,
                Local = NetAddress.Parse(local),
                LocalPort = lport,
                Remote = NetAddress.Parse(remote),
                RemotePort = rport,
                Cookie = cookie ?? ++_cookie,
            },
            State = state,
            Timer = timer,
            RQueue = rq,
            WQueue = wq,
            Info = info,
        };

    private static TcpInfo Info(uint sndWnd = 65535, uint unacked = 0, uint lastSent = 0, uint lastRecv = 0, uint lastAck = 0,
        byte probes = 0, byte backoff = 0, ulong received = 100_000, ulong acked = 100_000)
        => new()
        {
            Length = 248,
            State = TcpState.Established,
            SndWnd = sndWnd,
            Unacked = unacked,
            LastDataSent = lastSent,
            LastDataRecv = lastRecv,
            LastAckRecv = lastAck,
            Probes = probes,
            Backoff = backoff,
            BytesReceived = received,
            BytesAcked = acked,
        };

    private static SocketRecord Listener(ushort port, uint queue = 0, uint backlog = 511)
        => Sock(TcpState.Listen, "0.0.0.0", port, "0.0.0.0", 0, rq: queue, wq: backlog);

    [Fact]
    public void The_captured_persist_socket_is_a_zero_window_hold_of_its_peer()
    {
        var list = new List<SocketRecord>();
        new SockDiagReader().Read(SockDiagReaderTests.Fixture("ipv4-dump.bin"), list);
        var findings = SocketAnalyzer.Analyze(new SocketTable(T0, list));
        var hold = Assert.Single(findings.ZeroWindowHolds);
        Assert.Equal(NetAddress.Parse("198.18.0.1"), hold.Peer);
        Assert.Equal(8080, hold.LocalPort);
        Assert.Equal(ZeroWindowForm.PeerNotReading, hold.Form);
        Assert.Equal(2803712, hold.StuckBytes);
        Assert.Equal(4, hold.MaxBackoff);
        var ev = hold.ToEvent(T0);
        Assert.Equal(EventKind.ZeroWindowHold, ev.Kind);
        Assert.Equal(36772, ev.PeerPort);
        var fields = EventFields.Of(ev);
        Assert.Equal(2803712L, fields["stuck_bytes"]);
        Assert.Equal("peer_not_reading", fields["form"]);
        var listener = Assert.Single(findings.Listeners);
        Assert.Equal(16u, listener.Backlog);
        Assert.Equal(1, listener.Established);
    }

    [Fact]
    public void A_zero_window_with_data_in_flight_is_a_shrunk_window()
    {
        var s = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.9.9", 50000,
            Info(sndWnd: 0, unacked: 2, lastAck: 5_000, backoff: 3), SocketTimer.Retransmit, wq: 1000);
        var hold = Assert.Single(SocketAnalyzer.Analyze(new SocketTable(T0, [s])).ZeroWindowHolds);
        Assert.Equal(ZeroWindowForm.WindowShrunk, hold.Form);
        Assert.Equal(5_000u, hold.LongestMillis);
        Assert.Equal("window_shrunk", EventFields.Of(hold.ToEvent(T0))["form"]);
    }

    [Fact]
    public void Healthy_and_briefly_closed_windows_are_not_findings()
    {
        var healthy = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.9.9", 50000, Info(), wq: 5000);
        var brief = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.9.8", 50001, Info(sndWnd: 0, lastSent: 200), SocketTimer.Persist, wq: 5000);
        var empty = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.9.7", 50002, Info(sndWnd: 0, lastSent: 9000));
        var findings = SocketAnalyzer.Analyze(new SocketTable(T0, [Listener(443), healthy, brief, empty]));
        Assert.False(findings.Any);
    }

    [Fact]
    public void Stuck_sockets_are_grouped_per_peer_and_climbing_probes_are_seen_across_snapshots()
    {
        var a1 = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.5.5", 40000, Info(sndWnd: 0, lastSent: 4000, backoff: 2), SocketTimer.Persist, wq: 100, cookie: 1);
        var b1 = Sock(TcpState.Established, "198.18.1.1", 443, "198.18.5.5", 40001, Info(sndWnd: 0, lastSent: 9000, backoff: 5), SocketTimer.Persist, wq: 300, cookie: 2);
        var a2 = a1 with { Info = Info(sndWnd: 0, lastSent: 8000, backoff: 3) };
        var before = new SocketTable(T0, [a1, b1]);
        var now = new SocketTable(T0.AddSeconds(4), [a2, b1]);
        var hold = Assert.Single(SocketAnalyzer.Analyze(now, before).ZeroWindowHolds);
        Assert.Equal(2, hold.Sockets.Count);
        Assert.Equal(400, hold.StuckBytes);
        Assert.Equal(9000u, hold.LongestMillis);
        Assert.True(hold.Climbing);
        Assert.False(Assert.Single(SocketAnalyzer.Analyze(before).ZeroWindowHolds).Climbing);
    }

    [Fact]
    public void Many_idle_inbound_connections_from_one_peer_are_a_slow_read_and_outbound_ones_are_not()
    {
        var sockets = new List<SocketRecord> { Listener(80) };
        for (ushort i = 0; i < 6; i++)
        {
            sockets.Add(Sock(TcpState.Established, "198.18.1.1", 80, "198.18.7.7", (ushort)(30000 + i), Info(lastSent: 60_000, lastRecv: 8_000, received: 300)));
            // Our own idle pool to a database: outbound, never a finding.
            sockets.Add(Sock(TcpState.Established, "198.18.1.1", (ushort)(45000 + i), "198.18.8.8", 5432, Info(lastSent: 90_000, lastRecv: 90_000)));
        }
        var findings = SocketAnalyzer.Analyze(new SocketTable(T0, sockets));
        var slow = Assert.Single(findings.SlowReads);
        Assert.Equal(NetAddress.Parse("198.18.7.7"), slow.Peer);
        Assert.Equal(80, slow.LocalPort);
        Assert.Equal(6, slow.Connections);
        Assert.Equal(1800ul, slow.BytesReceived);
        Assert.Empty(findings.ZeroWindowHolds);
    }

    [Fact]
    public void Connections_that_progressed_since_the_last_snapshot_are_not_slow()
    {
        var before = new List<SocketRecord> { Listener(80) };
        var now = new List<SocketRecord> { Listener(80) };
        for (ushort i = 0; i < 6; i++)
        {
            var s = Sock(TcpState.Established, "198.18.1.1", 80, "198.18.7.7", (ushort)(30000 + i), Info(lastSent: 60_000, lastRecv: 60_000, received: 300));
            before.Add(s);
            now.Add(i < 3 ? s with { Info = Info(lastSent: 60_000, lastRecv: 60_000, received: 900) } : s);
        }
        Assert.Empty(SocketAnalyzer.Analyze(new SocketTable(T0, now), new SocketTable(T0, before)).SlowReads);
    }

    [Fact]
    public void Half_open_connections_from_many_prefixes_that_never_complete_are_a_spoofed_flood()
    {
        var sockets = new List<SocketRecord> { Listener(80) };
        for (int i = 0; i < 200; i++)
        {
            sockets.Add(Sock(TcpState.SynRecv, "198.18.1.1", 80, $"198.18.{10 + i / 4}.{1 + i % 4}", (ushort)(1024 + i)));
        }
        var findings = SocketAnalyzer.Analyze(new SocketTable(T0, sockets));
        var flood = Assert.Single(findings.SynRecvFloods);
        Assert.Equal(200, flood.HalfOpen);
        Assert.Equal(200, flood.Sources);
        Assert.Equal(50, flood.Prefixes);
        Assert.True(flood.Spoofed);
        Assert.Equal(24, flood.TopPrefixes[0].Bits);
        Assert.Equal(200, Assert.Single(findings.Listeners).SynRecv);
        Assert.Equal("true", EventFields.Of(flood.ToEvent(T0))["spoofed"]);
    }

    [Fact]
    public void Half_open_connections_from_a_few_hosts_that_also_complete_are_not_spoofed()
    {
        var sockets = new List<SocketRecord> { Listener(443) };
        for (int i = 0; i < 60; i++)
        {
            sockets.Add(Sock(TcpState.SynRecv, "198.18.1.1", 443, $"198.18.3.{1 + i % 3}", (ushort)(2000 + i)));
        }
        sockets.Add(Sock(TcpState.Established, "198.18.1.1", 443, "198.18.3.1", 999, Info()));
        var flood = Assert.Single(SocketAnalyzer.Analyze(new SocketTable(T0, sockets)).SynRecvFloods);
        Assert.False(flood.Spoofed);
        Assert.Equal(3, flood.Sources);
        Assert.Equal(1, flood.CompletedSources);
        Assert.Contains("concentrated", flood.Verdict);
    }

    [Fact]
    public void A_listener_at_its_backlog_is_an_exhausted_accept_queue()
    {
        var findings = SocketAnalyzer.Analyze(new SocketTable(T0, [Listener(80, queue: 129, backlog: 128), Listener(8080, queue: 3, backlog: 128)]));
        var full = Assert.Single(findings.AcceptQueueExhaustions);
        Assert.Equal(80, full.Listener.LocalPort);
        var ev = full.ToEvent(T0);
        Assert.Equal(129, ev.Queue);
        Assert.Equal(128, ev.Length);
    }

    [Fact]
    public void Every_finding_kind_has_an_explanation_in_the_catalog()
    {
        SignalExplanations.Register();
        foreach (var kind in new[] { EventKind.ZeroWindowHold, EventKind.SlowRead, EventKind.SynRecvFlood, EventKind.AcceptQueueFull, EventKind.CounterAlarm })
        {
            var e = MessageCatalog.For(kind);
            Assert.NotNull(e);
            Assert.NotEmpty(e!.LikelyCauses);
            Assert.NotEmpty(e.Actions);
        }
    }
}
