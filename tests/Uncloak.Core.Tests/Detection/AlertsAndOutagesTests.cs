using Uncloak.Core.Alerts;
using Uncloak.Core.Probes;
using Xunit;

namespace Uncloak.Core.Tests.Detection;

public sealed class AlertsAndOutagesTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void The_same_alert_passes_once_per_dedupe_window_and_the_held_back_count_travels_with_the_next()
    {
        var throttle = new AlertThrottle(perMinute: 100, dedupe: TimeSpan.FromMinutes(10));
        Assert.True(throttle.TryPass("zw/198.18.1.7", T0, out _));
        Assert.False(throttle.TryPass("zw/198.18.1.7", T0.AddMinutes(5), out _));
        Assert.False(throttle.TryPass("zw/198.18.1.7", T0.AddMinutes(9), out _));
        Assert.True(throttle.TryPass("zw/198.18.1.7", T0.AddMinutes(10), out int held));
        Assert.Equal(2, held);
    }

    [Fact]
    public void No_more_than_the_per_minute_limit_goes_out_in_any_minute()
    {
        var throttle = new AlertThrottle(perMinute: 3, dedupe: TimeSpan.FromMinutes(10));
        int passed = Enumerable.Range(0, 10).Count(i => throttle.TryPass($"k{i}", T0.AddSeconds(i), out _));
        Assert.Equal(3, passed);
        Assert.True(throttle.TryPass("later", T0.AddSeconds(61), out int held));
        Assert.Equal(7, held);
    }

    [Fact]
    public void An_outage_starts_at_the_first_of_the_required_failures_and_ends_at_the_first_success()
    {
        var tracker = new OutageTracker("site", failures: 2);
        Assert.Equal(OutageChange.None, tracker.Observe(new ProbeResult(T0, false, "timeout", "slow", TimeSpan.FromSeconds(3))).Change);
        Assert.Equal(OutageChange.None, tracker.Observe(ProbeResult.Pass(T0.AddSeconds(10), TimeSpan.Zero)).Change); // one blip is noise
        Assert.Equal(OutageChange.None, tracker.Observe(new ProbeResult(T0.AddSeconds(20), false, "refused", "a", TimeSpan.Zero)).Change);
        var started = tracker.Observe(new ProbeResult(T0.AddSeconds(30), false, "timeout", "b", TimeSpan.Zero));
        Assert.Equal(OutageChange.Started, started.Change);
        Assert.Equal(T0.AddSeconds(20), started.Start);
        Assert.Equal("refused", started.Cause);
        Assert.Equal(OutageChange.None, tracker.Observe(new ProbeResult(T0.AddSeconds(40), false, "timeout", "c", TimeSpan.Zero)).Change);
        var ended = tracker.Observe(ProbeResult.Pass(T0.AddSeconds(50), TimeSpan.Zero));
        Assert.Equal(OutageChange.Ended, ended.Change);
        Assert.Equal(T0.AddSeconds(20), ended.Start);
        Assert.Equal(T0.AddSeconds(50), ended.At);
    }
}
