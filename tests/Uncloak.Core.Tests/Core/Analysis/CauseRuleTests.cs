using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Xunit;

namespace Uncloak.Core.Tests.Analysis;

/// <summary>
/// The branches of the cause rules the incident fixtures (IncidentCaseTests) do not reach: martians spread over many
/// sources are spoofing or a misrouted prefix, not one sender; hang reports with a link-up between them are a NIC that
/// recovered, not one that stayed stuck; the martian source table stays bounded and merges.
/// </summary>
public sealed class CauseRuleTests
{
    private static readonly DateTime LogEnd = new(2024, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static AnalysisReport Analyze(IEnumerable<string> lines)
    {
        var builder = new AnalysisBuilder();
        foreach (var line in lines)
        {
            var decoded = LineDecoder.Decode(line, LogEnd);
            Assert.True(decoded.Event is not null, $"not decoded: {line}");
            builder.Add(decoded.Event!.Value, 1);
        }
        return builder.Build();
    }

    [Fact]
    public void Martians_from_many_sources_are_called_spoofing_or_misrouting_not_one_sender()
    {
        var r = Analyze(Enumerable.Range(1, 12).Select(i => $"Mar 11 18:27:{i:00} gw kernel: IPv4: martian source 198.51.100.7 from 10.{i}.0.9, on dev eth1"));

        var martian = r.Findings.Single(f => f.Id == "martian");
        Assert.Equal(12, r.Martians.Count);
        Assert.Contains("12 different source/interface pair(s)", string.Join("\n", martian.Reasoning), StringComparison.Ordinal);
        Assert.DoesNotContain("one device", martian.Conclusion, StringComparison.Ordinal);
        Assert.Contains("10.1.0.9 on eth1 (1)", martian.Evidence[0], StringComparison.Ordinal);
        Assert.Contains("and 7 more", martian.Evidence[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Illegal_window_scale_lines_are_an_info_finding_that_points_at_a_scan_when_syn_floods_come_with_them()
    {
        var alone = Analyze(Enumerable.Range(1, 3).Select(i => $"Mar 11 18:27:{i:00} web1 kernel: TCP: tcp_parse_options: Illegal window scaling value 15 > 14 received"));
        var finding = alone.Findings.Single(f => f.Id == "illegal_window_scale");
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.StartsWith("3 line(s)", finding.Conclusion, StringComparison.Ordinal);
        Assert.Single(finding.Evidence);
        Assert.Equal(Severity.Info, alone.Findings[0].Severity); // the verdict: nothing here takes the site down
        Assert.Contains("Nothing here is likely to take the site down", alone.Findings[0].Conclusion, StringComparison.Ordinal);

        var withScan = Analyze([
            "Mar 11 18:27:01 web1 kernel: tcp_parse_options: Illegal window scaling value 15 >14 received.",
            "Mar 11 18:27:02 web1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP counters.",
        ]);
        Assert.Contains("1 SYN-flood and 0 firewall LOG line(s)", withScan.Findings.Single(f => f.Id == "illegal_window_scale").Evidence[1], StringComparison.Ordinal);
        Assert.DoesNotContain(Analyze(["Mar 11 18:27:02 web1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP counters."]).Findings,
            f => f.Id == "illegal_window_scale");
    }

    [Fact]
    public void One_steady_martian_source_is_one_sender_to_find_by_its_interface()
    {
        var r = Analyze(Enumerable.Range(1, 9).Select(i => $"Mar 11 18:27:{i:00} gw kernel: IPv4: martian source 198.51.100.7 from 192.168.77.2, on dev eth0")
            .Append("Mar 11 18:28:00 gw kernel: IPv4: martian source 198.51.100.7 from 203.0.113.4, on dev eth0"));

        var martian = r.Findings.Single(f => f.Id == "martian");
        Assert.Contains("almost all from 192.168.77.2 on eth0", martian.Conclusion, StringComparison.Ordinal);
        Assert.Contains("tcpdump -eni eth0 src 192.168.77.2", string.Join("\n", martian.Advice), StringComparison.Ordinal);
    }

    [Fact]
    public void The_martian_table_keeps_a_bounded_number_of_sources_and_counts_the_rest()
    {
        var a = new MartianSources();
        var b = new MartianSources();
        for (int i = 0; i < MartianSources.MaxSources + 10; i++)
        {
            var ev = new NetEvent { Kind = EventKind.Martian, Peer = Ip($"10.0.{i / 256}.{i % 256}"), Interface = "eth0" };
            (i % 2 == 0 ? a : b).Add(ev, 2);
        }
        a.Merge(b);
        Assert.Equal(MartianSources.MaxSources, a.Ordered().Count);
        Assert.Equal(20, a.Others);
        Assert.Equal(2 * (MartianSources.MaxSources + 10), a.Ordered().Sum(s => s.Packets) + a.Others);
    }

    [Fact]
    public void Ranges_read_in_parallel_and_merged_in_file_order_count_the_martian_sources_a_sequential_read_counts()
    {
        // The first range names 70 pairs; the second 100 new ones, then 5 packets more of the first range's first pair:
        // a sequential read keeps the first 64 pairs and gives that pair 6 packets.
        var lines = new List<NetEvent>();
        lines.AddRange(Enumerable.Range(0, 70).Select(i => Martian($"10.0.0.{i}")));
        int second = lines.Count;
        lines.AddRange(Enumerable.Range(0, 100).Select(i => Martian($"10.0.1.{i}")));
        lines.AddRange(Enumerable.Repeat(Martian("10.0.0.0"), 5));
        var sequential = new MartianSources();
        var first = new MartianSources(MartianSources.RangeLimit);
        var rest = new MartianSources(MartianSources.RangeLimit);
        for (int i = 0; i < lines.Count; i++)
        {
            sequential.Add(lines[i], 1);
            (i < second ? first : rest).Add(lines[i], 1);
        }
        var merged = new MartianSources();
        merged.Merge(first);
        merged.Merge(rest);
        Assert.Equal(sequential.Ordered(), merged.Ordered());
        Assert.Equal(sequential.Others, merged.Others);
        Assert.Equal(6, merged.Ordered()[0].Packets);
        Assert.Equal(106, merged.Others);

        static NetEvent Martian(string source) => new() { Kind = EventKind.Martian, Peer = Ip(source), Interface = "eth0" };
    }

    private static NetAddress Ip(string text)
    {
        Assert.True(NetAddress.TryParse(text, out var address), text);
        return address;
    }

    [Fact]
    public void Hang_reports_with_a_link_up_between_them_are_not_called_a_stuck_ring()
    {
        var r = Analyze(
        [
            "Jun 28 03:14:07 h kernel: e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:",
            "Jun 28 03:14:09 h kernel: e1000e 0000:00:19.0 eno1: NIC Link is Down",
            "Jun 28 03:14:12 h kernel: e1000e 0000:00:19.0 eno1: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
            "Jun 28 03:14:40 h kernel: e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:",
        ]);

        var nic = r.Findings.Single(f => f.Id == "nic.eno1");
        Assert.DoesNotContain(nic.Evidence, e => e.Contains("stayed stuck", StringComparison.Ordinal));
        Assert.StartsWith("eno1's NIC stopped transmitting (2 transmit hang/timeout report(s))", nic.Headline, StringComparison.Ordinal);
        // The flap came right after a hang: the reset advice is given once, not twice.
        Assert.Single(nic.Advice, a => a.Contains("tso off", StringComparison.Ordinal));
    }
}
