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

    /// <summary>
    /// A scrape while the engine adds series (the first decision, a new source or probe) once answered HTTP 500: LINQ over a
    /// growing ConcurrentDictionary copies it through ICollection.CopyTo into an array sized a moment before, which throws
    /// when a key was added in between. One thread adds series while the other renders, until 40 renders overlapped the
    /// adding (before the fix, three runs of this test in four threw) or 40,000 keys of each kind were added.
    /// </summary>
    [Fact]
    public async Task Rendering_while_series_are_added_never_throws()
    {
        var m = new WatchMetrics();
        int renders = 0, added = 0;
        using var done = new ManualResetEventSlim();
        var adder = Task.Run(() =>
        {
            try
            {
                for (int i = 0; i < 40_000 && Volatile.Read(ref renders) < 40; i++)
                {
                    string n = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
                    m.Source("file:/var/log/f" + n).Records = i;
                    m.Probe("p" + n).Failures = i;
                    m.ScenarioDecision("s" + n, "ban");
                    m.Decision("ban" + n, simulated: false);
                    m.Vantage("p" + n, new Uncloak.Core.Forensics.VantageProbe(DateTime.UnixEpoch, Uncloak.Core.Forensics.Vantage.Gateway, "198.18.0.1", Ok: true, "", TimeSpan.FromMilliseconds(1)));
                    Volatile.Write(ref added, i + 1);
                }
            }
            finally
            {
                done.Set();
            }
        });
        var failures = new List<Exception>();
        while (!done.IsSet)
        {
            try
            {
                _ = m.Render();
            }
            catch (Exception e) when (e is ArgumentException or IndexOutOfRangeException)
            {
                failures.Add(e);
            }
            if (Volatile.Read(ref added) > 0)
            {
                Interlocked.Increment(ref renders);
            }
        }
        await adder;
        Assert.Empty(failures);
        Assert.Contains($"uncloak_decisions_total{{action=\"ban{added - 1}\",simulated=\"false\"}} 1\n", m.Render(), StringComparison.Ordinal);
    }
}
