using Uncloak.Core.Decisions;
using Xunit;

namespace Uncloak.Core.Tests.Decisions;

public sealed class BanSetPlanTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static Decision Ban(string target, int minutes, DecisionStatus status = DecisionStatus.Active) => new()
    {
        Target = BanTarget.Parse(target),
        Reason = "test",
        Origin = "cli",
        Created = Now.AddMinutes(-1),
        Expires = Now.AddMinutes(minutes),
        Status = status,
    };

    [Fact]
    public void Only_decisions_in_force_reach_the_kernel_and_the_latest_expiry_wins()
    {
        var desired = BanSetPlan.Desired(
            [Ban("198.18.0.5", 10), Ban("198.18.0.5", 30), Ban("198.18.0.6", -1), Ban("198.18.0.7", 10, DecisionStatus.Revoked), Ban("198.18.0.8", 10, DecisionStatus.Refused)],
            Now);
        Assert.Equal([BanTarget.Parse("198.18.0.5")], desired.Keys);
        Assert.Equal(Now.AddMinutes(30), desired[BanTarget.Parse("198.18.0.5")]);
    }

    [Fact]
    public void A_prefix_inside_a_wider_banned_prefix_stays_out_of_the_interval_set()
    {
        var desired = BanSetPlan.Desired([Ban("198.18.0.0/16", 10), Ban("198.18.4.0/24", 10), Ban("198.18.4.4", 10), Ban("2001:2::/48", 5), Ban("2001:2:0:1::/64", 5)], Now);
        Assert.Equal(
            new[] { "198.18.0.0/16", "198.18.4.4", "2001:2::/48" },
            desired.Keys.Order().Select(t => t.ToString()).ToArray());
    }

    [Fact]
    public void The_diff_adds_what_is_missing_removes_what_is_stale_and_refreshes_moved_expiries()
    {
        var current = new Dictionary<BanTarget, DateTimeOffset>
        {
            [BanTarget.Parse("198.18.0.1")] = Now.AddMinutes(10),
            [BanTarget.Parse("198.18.0.2")] = Now.AddMinutes(10),
            [BanTarget.Parse("198.18.0.3")] = Now.AddMinutes(10),
        };
        var desired = new Dictionary<BanTarget, DateTimeOffset>
        {
            [BanTarget.Parse("198.18.0.1")] = Now.AddMinutes(10).AddSeconds(1),
            [BanTarget.Parse("198.18.0.3")] = Now.AddMinutes(60),
            [BanTarget.Parse("198.18.0.4")] = Now.AddMinutes(10),
        };
        var (add, delete) = BanSetPlan.Diff(current, desired, TimeSpan.FromSeconds(5));
        Assert.Equal(new[] { "198.18.0.3", "198.18.0.4" }, add.Select(e => e.Target).Order().Select(t => t.ToString()).ToArray());
        Assert.Equal(new[] { "198.18.0.2", "198.18.0.3" }, delete.Order().Select(t => t.ToString()).ToArray());
    }
}
