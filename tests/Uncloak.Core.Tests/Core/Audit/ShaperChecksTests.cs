using System.Text;
using Uncloak.Core.Audit;
using Uncloak.Core.Audit.Checks;
using Uncloak.Core.Forensics.Dumps;
using Xunit;

namespace Uncloak.Core.Tests.Audit;

/// <summary>Issue 12, item 6 (a): the qdisc review over <c>tc -s qdisc show</c> text as the capture records it.</summary>
public sealed class ShaperChecksTests
{
    private static SystemSnapshot Snapshot(string tc, int? speedMbps = 1000, int mtu = 1500) => new()
    {
        Interfaces = [new InterfaceSnapshot { Name = "eth0", IsPhysical = true, OperState = "up", SpeedMbps = speedMbps, Mtu = mtu }],
        Qdiscs = DumpReader.Read(Encoding.UTF8.GetBytes(tc)).Qdiscs,
        QdiscsKnown = true,
    };

    private static string Tbf(string options, long sent = 1000, long dropped = 0, long overlimits = 0) =>
        $"qdisc tbf 8001: dev eth0 root refcnt 2 {options} \n Sent {sent * 1000} bytes {sent} pkt (dropped {dropped}, overlimits {overlimits} requeues 0) \n backlog 0b 0p requeues 0\n";

    [Theory]
    [InlineData("1600b", 1600)]
    [InlineData("10Kb", 10 * 1024)]
    [InlineData("2Mb", 2 * 1024 * 1024)]
    [InlineData("1000b/1", 1000)]
    [InlineData("1514", 1514)]
    public void Sizes_read_as_tc_prints_them(string text, long bytes)
    {
        Assert.True(QdiscSettings.TrySize(text, out long b));
        Assert.Equal(bytes, b);
    }

    [Theory]
    [InlineData("1Mbit", 125_000)]
    [InlineData("800Kbit", 100_000)]
    [InlineData("10Gbit", 1_250_000_000)]
    [InlineData("1Mibit", 131_072)]
    [InlineData("96bit", 12)]
    public void Rates_read_as_tc_prints_them(string text, double bytesPerSecond)
    {
        Assert.True(QdiscSettings.TryRate(text, out double r));
        Assert.Equal(bytesPerSecond, r, 3);
    }

    [Theory]
    [InlineData("1Mbyte")]
    [InlineData("fastbit")]
    [InlineData("")]
    public void Rates_that_are_not_tc_s_are_refused(string text) => Assert.False(QdiscSettings.TryRate(text, out _));

    [Fact]
    public void A_tbf_whose_bucket_cannot_hold_a_frame_fails_with_every_reason()
    {
        // tc's own rendering of "tbf rate 20mbit burst 1000 limit 3500": lat = (3500 − 1000) / 2.5 MB/s = 1 ms.
        var r = Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Tbf("rate 20Mbit burst 1000b lat 1ms"))));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("eth0 tbf 8001: root", r.Subject);
        Assert.Contains("burst 1000 B is smaller than one full frame (1514 B)", r.Detail, StringComparison.Ordinal);
        Assert.Contains("below rate/HZ (2500 B at 1000 Hz)", r.Detail, StringComparison.Ordinal);
        Assert.Contains("it holds 4500 B", r.Detail, StringComparison.Ordinal);
        Assert.Contains("its queue of 3500 B drains in 1.4 ms at 20 Mbit/s", r.Detail, StringComparison.Ordinal);
        Assert.Contains("tc qdisc replace dev eth0 root tbf", r.Fix!.Manual, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tbf_sized_for_its_rate_passes_and_a_negative_latency_limit_is_read_directly()
    {
        // The tc-tbf man page's shaper at 100 Mbit: burst 32 KiB, 50 ms of queue.
        Assert.Equal(CheckStatus.Pass, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50.0ms")))).Status);
        // tc prints "limit" instead of "lat" when the limit is smaller than the bucket.
        var r = Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Tbf("rate 1Mbit burst 20Kb limit 1000b"))));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Equal("its queue of 1000 B cannot hold one full frame (1514 B): every packet that has to wait is dropped.", r.Detail);
    }

    [Fact]
    public void Fifo_and_fq_codel_limits_are_judged_against_frames_and_the_link_speed()
    {
        string Fifo(string kind, string limit) =>
            $"qdisc {kind} 1: dev eth0 root refcnt 2 limit {limit} \n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n";
        Assert.Equal(CheckStatus.Fail, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("pfifo", "5p")))).Status);
        // 1000 packets at 10 Gbit/s hold 1.2 ms: below 5 ms of the link.
        var fast = Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("pfifo", "1000p"), speedMbps: 10_000)));
        Assert.Equal(CheckStatus.Fail, fast.Status);
        Assert.Contains("drains in 1.21 ms at 10000 Mbit/s", fast.Detail, StringComparison.Ordinal);
        Assert.Equal(CheckStatus.Pass, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("pfifo", "1000p"), speedMbps: 1000))).Status);
        Assert.Equal(CheckStatus.Fail, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("bfifo", "10Kb")))).Status);
        Assert.Equal(CheckStatus.Pass, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("fq_codel", "10240p flows 1024 quantum 1514 target 5ms interval 100ms"), speedMbps: 10_000))).Status);
        Assert.Equal(CheckStatus.Fail, Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(Fifo("fq_codel", "8p flows 1024 quantum 1514 target 5ms interval 100ms")))).Status);
    }

    [Fact]
    public void Children_of_mq_share_the_link_and_kinds_without_visible_limits_are_left_out()
    {
        const string tc =
            "qdisc mq 0: dev eth0 root \n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n" +
            "qdisc pfifo 0: dev eth0 parent :1 limit 400p\n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n" +
            "qdisc pfifo 0: dev eth0 parent :2 limit 400p\n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n";
        var results = new QdiscLimitsCheck().Evaluate(Snapshot(tc, speedMbps: 1000)).ToList();
        Assert.DoesNotContain(results, r => r.Subject!.Contains("mq", StringComparison.Ordinal));
        // 400 frames = 606 KB; each of the two queues drains at 500 Mbit/s, so 5 ms is 312.5 KB: enough.
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(CheckStatus.Pass, r.Status));
        // 400 frames on one queue of a 10 Gbit/s link would not be: 5 ms is 6.25 MB.
        var alone = new QdiscLimitsCheck().Evaluate(Snapshot(tc.Replace("parent :1", "root", StringComparison.Ordinal), speedMbps: 10_000)).ToList();
        Assert.Equal(CheckStatus.Fail, alone.Single(r => r.Subject == "eth0 pfifo 0: root").Status);
        var onlyMq = Assert.Single(new QdiscLimitsCheck().Evaluate(Snapshot(tc[..tc.IndexOf("qdisc pfifo", StringComparison.Ordinal)])));
        Assert.Equal(CheckStatus.Skip, onlyMq.Status);
        Assert.Contains("Seen: eth0 mq 0: root.", onlyMq.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Drops_fail_in_a_fifo_or_shaper_and_only_warn_in_an_aqm()
    {
        Assert.Equal(CheckStatus.Pass, Assert.Single(new QdiscDropsCheck().Evaluate(Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", dropped: 0)))).Status);
        var tbf = Assert.Single(new QdiscDropsCheck().Evaluate(Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", sent: 100_000, dropped: 500, overlimits: 9000))));
        Assert.Equal(CheckStatus.Fail, tbf.Status);
        Assert.Contains("dropped 500, overlimits 9000", tbf.Observed, StringComparison.Ordinal);
        const string codel = "qdisc fq_codel 0: dev eth0 root refcnt 2 limit 10240p flows 1024 \n Sent 100000 bytes 100000 pkt (dropped 500, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n";
        Assert.Equal(CheckStatus.Warn, Assert.Single(new QdiscDropsCheck().Evaluate(Snapshot(codel))).Status);
    }

    [Fact]
    public void With_a_sample_climbing_drops_fail_static_ones_warn_and_a_replaced_qdisc_is_not_judged()
    {
        var before = Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", sent: 100_000, dropped: 500));
        var climbing = CounterGrowth.Between(before, Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", sent: 120_000, dropped: 530)), TimeSpan.FromSeconds(60));
        var r = Assert.Single(new QdiscDropsCheck().Evaluate(climbing));
        Assert.Equal(CheckStatus.Fail, r.Status);
        Assert.Contains("+30 dropped, +0 overlimits, +20000 sent in 60 s", r.Observed, StringComparison.Ordinal);
        var still = CounterGrowth.Between(before, Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", sent: 120_000, dropped: 500)), TimeSpan.FromSeconds(60));
        Assert.Equal(CheckStatus.Warn, Assert.Single(new QdiscDropsCheck().Evaluate(still)).Status);
        var replaced = CounterGrowth.Between(before, Snapshot(Tbf("rate 100Mbit burst 32Kb lat 50ms", sent: 10, dropped: 0)), TimeSpan.FromSeconds(60));
        Assert.Equal(CheckStatus.Skip, Assert.Single(new QdiscDropsCheck().Evaluate(replaced)).Status);
    }

    [Fact]
    public void Without_a_qdisc_reading_the_checks_say_why_they_cannot_judge()
    {
        var none = new SystemSnapshot { QdiscProblem = "tc -s qdisc show: tc not found" };
        var r = Assert.Single(new QdiscDropsCheck().Evaluate(none));
        Assert.Equal(CheckStatus.Skip, r.Status);
        Assert.Contains("tc not found", r.Detail, StringComparison.Ordinal);
        var loopbackOnly = Snapshot("qdisc noqueue 0: dev lo root refcnt 2 \n Sent 0 bytes 0 pkt (dropped 0, overlimits 0 requeues 0) \n backlog 0b 0p requeues 0\n");
        Assert.Equal(CheckStatus.Skip, Assert.Single(new QdiscLimitsCheck().Evaluate(loopbackOnly)).Status);
    }
}
