using Uncloak.Core.Forensics;
using Uncloak.Daemon.Metrics;
using Xunit;

namespace Uncloak.Core.Tests.Daemon.Metrics;

/// <summary>Issue 12, item 1: each vantage target has its own series, labelled by probe, vantage point and target.</summary>
public sealed class VantageMetricsTests
{
    [Fact]
    public void The_last_result_sets_up_and_latency_and_failures_accumulate()
    {
        var t = new DateTime(2026, 12, 3, 17, 0, 0, DateTimeKind.Utc);
        var m = new WatchMetrics();
        m.Vantage("site", new VantageProbe(t, Vantage.Gateway, "198.18.0.254", false, VantageFailure.Timeout, TimeSpan.FromSeconds(1)));
        m.Vantage("site", new VantageProbe(t.AddSeconds(10), Vantage.Gateway, "198.18.0.254", true, "", TimeSpan.FromMilliseconds(0.5)));
        m.Vantage("site", new VantageProbe(t, Vantage.Upstream, "[2001:2::3]:443", false, VantageFailure.Refused, TimeSpan.FromMilliseconds(2)));

        var text = m.Render();

        Assert.Contains("uncloak_vantage_up{probe=\"site\",vantage=\"gateway\",target=\"198.18.0.254\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_vantage_latency_seconds{probe=\"site\",vantage=\"gateway\",target=\"198.18.0.254\"} 0.0005\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_vantage_failures_total{probe=\"site\",vantage=\"gateway\",target=\"198.18.0.254\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_vantage_up{probe=\"site\",vantage=\"upstream\",target=\"[2001:2::3]:443\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE uncloak_vantage_failures_total counter\n", text, StringComparison.Ordinal);
    }
}
