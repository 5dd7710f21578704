using System.Text;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Capture;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Sockets;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>
/// What a capture writes is read back by the dump parsers field for field: the socket table as ss -tinoe text, the
/// counters as nstat, the probes and the kernel lines. Fed by the recorded tool output in samples/forensics/dumps.
/// </summary>
public sealed class CaptureTextTests
{
    private static readonly string Dumps = Path.Combine(AppContext.BaseDirectory, "samples", "forensics", "dumps");

    private static DumpEvidence Parse(string text) => DumpReader.Read(Encoding.UTF8.GetBytes(text));

    [Fact]
    public void A_large_ss_table_is_read_into_a_list_sized_once_not_grown_by_doubling()
    {
        // Issue 12, capture < 100 MB for 100,000 sockets: a list grown by doubling held up to 1.5x the records at its peak.
        var sample = DumpReader.Read(File.ReadAllBytes(Path.Combine(Dumps, "ss-tinoe-iproute2-6.1.txt"))).Sockets;
        Assert.NotEmpty(sample);
        var table = Enumerable.Range(0, 5000).Select(i => sample[i % sample.Count]).ToList();
        var text = SsText.ToUtf8(table, table.Count, out long left);
        Assert.Equal(0, left);

        var back = DumpReader.Read(text);

        Assert.Equal(0, back.Malformed);
        Assert.Equal(table.Count, back.Sockets.Count);
        // One slot per unindented line: the sockets and ss's header line.
        Assert.Equal(table.Count + 1, back.Sockets.Capacity);
    }

    [Theory]
    [InlineData("ss-tinoe-iproute2-6.1.txt")]
    [InlineData("ss-tinoe-iproute2-4.9.txt")]
    [InlineData("ss-tiepm-iproute2-5.10.txt")]
    public void A_socket_table_written_as_ss_text_parses_back_to_the_same_sockets(string sample)
    {
        var original = DumpReader.Read(File.ReadAllBytes(Path.Combine(Dumps, sample))).Sockets;
        Assert.NotEmpty(original);
        var text = new StringWriter();
        Assert.Equal(0, SsText.Write(text, original, 1000));
        var back = Parse(text.ToString());

        Assert.Equal(0, back.Malformed);
        // Listeners are written first; otherwise the order is kept.
        var expected = original.Where(s => s.State == TcpState.Listen).Concat(original.Where(s => s.State != TcpState.Listen)).ToList();
        Assert.Equal(expected.Count, back.Sockets.Count);
        for (int i = 0; i < expected.Count; i++)
        {
            var a = expected[i];
            var b = back.Sockets[i];
            Assert.Equal(a.State is TcpState.NewSynRecv ? TcpState.SynRecv : a.State, b.State);
            Assert.Equal((a.Id.Local, a.Id.LocalPort, a.Id.Remote, a.Id.RemotePort), (b.Id.Local, b.Id.LocalPort, b.Id.Remote, b.Id.RemotePort));
            Assert.Equal((a.RQueue, a.WQueue, a.Timer, a.ExpiresMillis, a.TimerRetries, a.Uid, a.Inode), (b.RQueue, b.WQueue, b.Timer, b.ExpiresMillis, b.TimerRetries, b.Uid, b.Inode));
            Assert.Equal(a.HasInfo, b.HasInfo);
            if (a.HasInfo)
            {
                var x = a.Info;
                var y = b.Info;
                Assert.Equal((x.Rto, x.Rtt, x.RttVar, x.SndMss, x.SndCwnd, x.Unacked, x.Retrans, x.TotalRetrans, x.Lost),
                    (y.Rto, y.Rtt, y.RttVar, y.SndMss, y.SndCwnd, y.Unacked, y.Retrans, y.TotalRetrans, y.Lost));
                Assert.Equal((x.LastDataSent, x.LastDataRecv, x.LastAckRecv, x.BytesAcked, x.BytesReceived, x.SegsOut, x.SegsIn),
                    (y.LastDataSent, y.LastDataRecv, y.LastAckRecv, y.BytesAcked, y.BytesReceived, y.SegsOut, y.SegsIn));
                Assert.Equal(x.HasSndWnd, y.HasSndWnd);
                if (x.HasSndWnd)
                {
                    Assert.Equal(x.SndWnd, y.SndWnd);
                }
            }
        }
    }

    /// <summary>
    /// The exact text, byte for byte, as the StringBuilder writer before the UTF-8 one printed it (padding as ss's printf
    /// widths, a listener's <c>*</c> port, %g milliseconds, an IPv6 endpoint in brackets): text in this canonical form
    /// parses and is written back unchanged, through both the UTF-8 (exact-size array) and the TextWriter entry points.
    /// </summary>
    [Fact]
    public void Canonical_ss_text_is_written_back_byte_for_byte()
    {
        const string canonical =
            "State      Recv-Q Send-Q Local Address:Port               Peer Address:Port\n" +
            "LISTEN     0      4096           0.0.0.0:8080 0.0.0.0:*                      ino:0 sk:ffffffffffffffff\n" +
            "ESTAB      0      2800000        192.0.2.1:443 198.51.100.7:51234             timer:(persist,1.500sec,3) uid:33 ino:12345 sk:ffffffffffffffff <->\n" +
            "\t cubic rto:204 rtt:0.186/0.057 mss:1448 rcvmss:536 cwnd:10 backoff:2 bytes_sent:1000 bytes_retrans:0 bytes_acked:900 bytes_received:50 segs_out:20 segs_in:10 lastsnd:4 lastrcv:8000 lastack:12 unacked:3 retrans:1/5 lost:1 notsent:2800000 snd_wnd:0 rcv_wnd:65535\n" +
            "ESTAB      0      0         [2001:db8::1]:443 [2001:db8::2]:50000            ino:77 sk:ffffffffffffffff <->\n" +
            "\t cubic rto:200 rtt:1.5/0.05 mss:1428 rcvmss:1428 cwnd:10 bytes_sent:0 bytes_retrans:0 bytes_acked:0 bytes_received:0 segs_out:0 segs_in:0 lastsnd:0 lastrcv:0 lastack:0\n";
        var parsed = Parse(canonical);
        Assert.Equal(0, parsed.Malformed);
        Assert.Equal(3, parsed.Sockets.Count);

        var bytes = SsText.ToUtf8(parsed.Sockets, 10, out long left);
        Assert.Equal(0, left);
        Assert.Equal(canonical, Encoding.UTF8.GetString(bytes));
        var text = new StringWriter();
        Assert.Equal(0, SsText.Write(text, parsed.Sockets, 10));
        Assert.Equal(canonical, text.ToString());
    }

    [Fact]
    public void The_socket_limit_keeps_listeners_first_and_counts_the_rest()
    {
        var sockets = DumpReader.Read(File.ReadAllBytes(Path.Combine(Dumps, "ss-tinoe-iproute2-6.1.txt"))).Sockets;
        var text = new StringWriter();
        long left = SsText.Write(text, sockets, 2);
        Assert.Equal(sockets.Count - 2, left);
        var back = Parse(text.ToString()).Sockets;
        Assert.Equal(2, back.Count);
        Assert.Equal(TcpState.Listen, back[0].State);
    }

    [Theory]
    [InlineData(7_140_000u, "119min")]
    [InlineData(89_000u, "1min29sec")]
    [InlineData(1_200u, "1.200sec")]
    [InlineData(29_000u, "29sec")]
    [InlineData(50u, "050ms")]
    [InlineData(0u, "0sec")]
    public void Timers_are_printed_as_ss_prints_them_and_parse_back(uint millis, string text)
    {
        Assert.Equal(text, SsText.TimerText(millis));
        Assert.True(SsParser.TryTimerMillis(Encoding.ASCII.GetBytes(text), out uint back));
        Assert.Equal(millis, back);
    }

    [Fact]
    public void Counters_written_as_nstat_parse_back_and_other_tables_are_left_to_their_own_files()
    {
        var original = DumpReader.Read(File.ReadAllBytes(Path.Combine(Dumps, "nstat-az.txt"))).Counters;
        var counters = new Dictionary<string, long>(original) { ["Sockstat.TCP.inuse"] = 12, ["Conntrack.count"] = 7 };
        var text = new StringWriter();
        NstatText.Write(text, counters);
        Assert.StartsWith("#kernel\n", text.ToString(), StringComparison.Ordinal);
        var back = Parse(text.ToString());
        Assert.Equal(original.OrderBy(c => c.Key, StringComparer.Ordinal), back.Counters.OrderBy(c => c.Key, StringComparer.Ordinal));
        Assert.DoesNotContain("Conntrack", text.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Probe_results_are_written_one_token_a_column_and_parse_back()
    {
        var t = new DateTime(2026, 12, 3, 17, 0, 1, 250, DateTimeKind.Utc);
        VantageProbe[] probes =
        [
            new(t.AddSeconds(10), Vantage.Gateway, "198.18.0.1", false, "neigh failed", TimeSpan.FromMilliseconds(1000)),
            new(t, Vantage.Service, "site", true, "", TimeSpan.FromMilliseconds(0.9)),
        ];
        var text = new StringWriter();
        ProbesText.Write(text, probes);
        var back = Parse(text.ToString()).Probes;
        Assert.Equal(2, back.Count);
        Assert.Equal(new VantageProbe(t, Vantage.Service, "site", true, "", TimeSpan.FromMilliseconds(0.9)), back[0]);
        Assert.Equal(new VantageProbe(t.AddSeconds(10), Vantage.Gateway, "198.18.0.1", false, "neigh_failed", TimeSpan.FromSeconds(1)), back[1]);
    }

    [Fact]
    public void Kernel_lines_kept_in_memory_are_read_back_as_their_kinds_at_their_times()
    {
        var t = new DateTime(2026, 12, 3, 17, 0, 1, DateTimeKind.Utc);
        var text = new StringWriter();
        KernelLogText.Write(text, "web1", [
            (t.AddSeconds(2), "nf_conntrack: nf_conntrack: table full, dropping packet"),
            (t, "TCP: request_sock_TCP: Possible SYN flooding on port 198.18.0.2:80. Dropping request.  Check SNMP counters."),
        ]);
        var lines = text.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("2026-12-03T17:00:01.000000+00:00 web1 kernel: TCP: request_sock_TCP", lines[0], StringComparison.Ordinal);
        var kernel = KernelEvidence.Read(Encoding.UTF8.GetBytes(text.ToString()), t);
        Assert.Equal(1, kernel.Count(EventKind.ConntrackFull));
        Assert.Equal(1, kernel.Count(EventKind.SynFlood));
    }

    [Fact]
    public void Listener_queues_name_a_full_accept_queue_and_count_the_syn_queue_per_port()
    {
        var sockets = DumpReader.Read(File.ReadAllBytes(Path.Combine(Dumps, "ss-tinoe-iproute2-6.1.txt"))).Sockets.ToList();
        var listener = sockets.First(s => s.State == TcpState.Listen);
        sockets.Add(new SocketRecord { State = TcpState.SynRecv, Id = new SocketId { Local = NetAddress.Parse("198.18.0.2"), LocalPort = listener.Id.LocalPort, Remote = NetAddress.Parse("198.19.0.9"), RemotePort = 1024 } });
        var text = ListenerQueues.Describe(sockets);
        Assert.Contains("0.0.0.0:80 129 128 1 FULL\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("site", "20261203T170001Z-site")]
    [InlineData("", "20261203T170001Z-capture")]
    [InlineData("../etc/passwd", "20261203T170001Z-_etc_passwd")]
    public void Incident_ids_are_start_time_and_a_safe_probe_name(string probe, string id)
    {
        string made = Incident.NewId(new DateTime(2026, 12, 3, 17, 0, 1, DateTimeKind.Utc), probe);
        Assert.Equal(id, made);
        Assert.True(Incident.IsSafeId(made));
        Assert.DoesNotContain('/', made);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData(".hidden")]
    [InlineData("")]
    public void Unsafe_ids_are_refused(string id) => Assert.False(Incident.IsSafeId(id));
}
