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

public sealed class RemedyPolicyTests
{
    private static readonly DateTime T0 = new(2026, 3, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_restart_is_refused_when_a_syn_flood_or_full_conntrack_table_preceded_the_outage()
    {
        var policy = new RemedyPolicy(3, TimeSpan.FromMinutes(1), RemedyPolicy.DefaultNotWhen);
        var d = policy.Decide(T0, [Uncloak.Core.Events.EventKind.Treason, Uncloak.Core.Events.EventKind.ConntrackFull]);
        Assert.Equal(RemedyVerdict.Skip, d.Verdict);
        Assert.Contains("conntrack_full", d.Reason, StringComparison.Ordinal);
        Assert.Equal(0, policy.Attempts);
    }

    [Fact]
    public void Attempts_back_off_exponentially_stop_at_the_limit_and_give_up_once()
    {
        var policy = new RemedyPolicy(3, TimeSpan.FromMinutes(1), RemedyPolicy.DefaultNotWhen);
        var verdicts = new List<RemedyVerdict>();
        for (int s = 0; s <= 600; s += 10)
        {
            verdicts.Add(policy.Decide(T0.AddSeconds(s), []).Verdict);
            if (verdicts[^1] == RemedyVerdict.Run)
            {
                policy.Finished(); // each attempt is done before the next check
            }
        }
        // Runs at 0 s, 60 s (backoff 1 m), 180 s (2 m); then one give-up, then silence.
        var runs = verdicts.Select((v, i) => (v, s: i * 10)).Where(x => x.v == RemedyVerdict.Run).Select(x => x.s).ToList();
        Assert.Equal([0, 60, 180], runs);
        Assert.Single(verdicts, v => v == RemedyVerdict.GiveUp);
        Assert.Equal(RemedyVerdict.GiveUp, verdicts[verdicts.FindIndex(v => v == RemedyVerdict.GiveUp)]);
        Assert.True(verdicts.FindIndex(v => v == RemedyVerdict.GiveUp) * 10 >= 180 + 240, "gives up only once the third attempt's backoff has passed");
        policy.Reset();
        Assert.Equal(RemedyVerdict.Run, policy.Decide(T0.AddHours(1), []).Verdict);
    }

    [Fact]
    public void An_attempt_still_running_past_its_backoff_is_never_given_up_on()
    {
        // One attempt, 1 s backoff, a restart over D-Bus that takes 5 s: the checks in between wait for it (the daemon
        // once recorded "giving up" before the attempt's own outcome).
        var policy = new RemedyPolicy(1, TimeSpan.FromSeconds(1), RemedyPolicy.DefaultNotWhen);
        Assert.Equal(RemedyVerdict.Run, policy.Decide(T0, []).Verdict);
        for (int s = 1; s <= 5; s++)
        {
            var wait = policy.Decide(T0.AddSeconds(s), []);
            Assert.Equal(RemedyVerdict.Wait, wait.Verdict);
            Assert.Equal("the last attempt is still running", wait.Reason);
        }
        policy.Finished();
        Assert.Equal(RemedyVerdict.GiveUp, policy.Decide(T0.AddSeconds(6), []).Verdict);
    }
}
