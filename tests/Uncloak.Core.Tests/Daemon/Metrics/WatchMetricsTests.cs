using Uncloak.Daemon.Metrics;
using Xunit;

namespace Uncloak.Core.Tests.Daemon.Metrics;

/// <summary>Issue 16, item 6: per-scenario series, <c>uncloak_build_info</c>, and source labels that survive a reboot.</summary>
public sealed class WatchMetricsTests
{
    [Fact]
    public void Scenarios_have_their_own_series_and_the_build_is_labelled()
    {
        var m = new WatchMetrics { Version = "1.2.3" };
        m.Scenario("zero-window-holders").Events = 12;
        m.Scenario("zero-window-holders").Buckets = 3;
        m.ScenarioDecision("zero-window-holders", "ban");
        m.ScenarioDecision("zero-window-holders", "ban");
        m.ScenarioDecision("port-scanners", "alert");
        var text = m.Render();
        Assert.Contains("uncloak_build_info{version=\"1.2.3\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_scenario_events_total{scenario=\"zero-window-holders\"} 12\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_scenario_buckets{scenario=\"zero-window-holders\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_scenario_decisions_total{scenario=\"zero-window-holders\",action=\"ban\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_scenario_decisions_total{scenario=\"port-scanners\",action=\"alert\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal([("ban", 2L)], m.ScenarioDecisions("zero-window-holders"));
    }

    [Fact]
    public void The_kmsg_source_label_carries_no_boot_id()
    {
        var m = new WatchMetrics();
        m.Source("kmsg:0b3c5d1e-7f00-4e7e-9a55-2d1f0c6b9a10").Records = 5;
        m.Source("file:/var/log/kern.log").Records = 7;
        var text = m.Render();
        Assert.Contains("uncloak_source_records_total{source=\"kmsg\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("uncloak_source_records_total{source=\"file:/var/log/kern.log\"} 7\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("0b3c5d1e", text, StringComparison.Ordinal);
    }
}
