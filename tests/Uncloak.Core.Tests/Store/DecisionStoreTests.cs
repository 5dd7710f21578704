using Uncloak.Core.Decisions;
using Uncloak.Store;
using Xunit;

namespace Uncloak.Core.Tests.Store;

public sealed class DecisionStoreTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("uncloak-store-").FullName;
    private readonly SqliteStore _sqlite;
    private readonly DecisionStore _store;

    public DecisionStoreTests()
    {
        _sqlite = SqliteStore.Open(Path.Combine(_dir, "t.db"));
        _store = new DecisionStore(_sqlite);
    }

    public void Dispose()
    {
        _sqlite.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private static Decision Ban(string target, int minutes, DecisionStatus status = DecisionStatus.Active, RefusalReason refusal = RefusalReason.None) => new()
    {
        Target = BanTarget.Parse(target, 128),
        Reason = "test",
        Origin = "cli",
        Created = Now,
        Expires = Now.AddMinutes(minutes),
        Status = status,
        Refusal = refusal,
        RefusalMessage = refusal == RefusalReason.None ? "" : "refused to ban " + target,
    };

    [Fact]
    public void Decisions_round_trip_with_every_field()
    {
        var stored = _store.Insert([Ban("2001:2::/64", 90) with { Scenario = "zero_window", Repeat = 2 }, Ban("198.18.0.1", 60, DecisionStatus.Refused, RefusalReason.OwnAddress)]);
        Assert.True(stored[0].Id > 0);
        var all = _store.List(Now, all: true, limit: 10).OrderBy(d => d.Id).ToList();
        Assert.Equal(stored, all);
    }

    [Fact]
    public void Only_active_unexpired_bans_are_in_force()
    {
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.6", 1), Ban("198.18.0.7", 10, DecisionStatus.Refused, RefusalReason.Gateway)]);
        Assert.Equal(["198.18.0.5", "198.18.0.6"], _store.InForce(Now).Select(d => d.Target.ToString()));
        Assert.Equal(["198.18.0.5"], _store.InForce(Now.AddMinutes(2)).Select(d => d.Target.ToString()));
    }

    [Fact]
    public void Revoking_lifts_only_the_named_bans_and_counts_them()
    {
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.6", 10), Ban("198.18.0.5", 20)]);
        Assert.Equal(2, _store.Revoke([BanTarget.Parse("198.18.0.5")], Now.AddSeconds(1)));
        Assert.Equal(["198.18.0.6"], _store.InForce(Now.AddSeconds(2)).Select(d => d.Target.ToString()));
        Assert.Equal(1, _store.RevokeAll(Now.AddSeconds(3)));
        Assert.Empty(_store.InForce(Now.AddSeconds(4)));
    }

    [Fact]
    public void Prior_bans_and_ban_times_count_ended_accepted_and_revoked_bans_but_not_refusals()
    {
        // Two separate offences of .5 (the second one revoked early), one refusal of .6.
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.6", 10, DecisionStatus.Refused, RefusalReason.RateCap)]);
        _store.Insert([Ban("198.18.0.5", 10) with { Created = Now.AddMinutes(30), Expires = Now.AddMinutes(40) }]);
        _store.Revoke([BanTarget.Parse("198.18.0.5")], Now.AddMinutes(35));
        var prior = _store.PriorBans(Now.AddDays(-1), [BanTarget.Parse("198.18.0.5"), BanTarget.Parse("198.18.0.6")], Now.AddHours(1));
        Assert.Equal(2, prior[BanTarget.Parse("198.18.0.5")]);
        Assert.False(prior.ContainsKey(BanTarget.Parse("198.18.0.6")));
        Assert.Equal(1, _store.BanTimesSince(Now.AddMinutes(-1)).Count(t => t == Now));
    }

    [Fact]
    public void A_ban_still_in_force_and_re_bans_made_while_it_was_are_not_earlier_offences()
    {
        // Issue 17 item 6: a daemon restarted three times re-banned the same still-banned peer 1h → 4h → 16h → 2d16h.
        var target = BanTarget.Parse("198.18.0.5");
        _store.Insert([Ban("198.18.0.5", 60)]);
        _store.Insert([Ban("198.18.0.5", 60) with { Created = Now.AddSeconds(5), Expires = Now.AddSeconds(5).AddMinutes(60) }]);
        _store.Insert([Ban("198.18.0.5", 60) with { Created = Now.AddSeconds(9), Expires = Now.AddSeconds(9).AddMinutes(60) }]);
        Assert.False(_store.PriorBans(Now.AddDays(-1), [target], Now.AddSeconds(14)).ContainsKey(target));
        // Once all three have ended, they were one offence.
        Assert.Equal(1, _store.PriorBans(Now.AddDays(-1), [target], Now.AddHours(2))[target]);
        // The same over the scan path used for batches beyond the probe limit.
        var many = Enumerable.Range(0, DecisionStore.ProbeLimit + 1).Select(i => new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC613_0000u + (uint)i), 32)).Append(target).ToList();
        Assert.Equal(1, _store.PriorBans(Now.AddDays(-1), many, Now.AddHours(2))[target]);
    }

    [Fact]
    public void The_in_force_state_of_some_targets_includes_every_in_force_network()
    {
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.6", 10), Ban("198.18.4.0/24", 10), Ban("2001:2::/64", 10), Ban("198.18.8.0/24", -1)]);
        var state = _store.InForceTargets(Now, [BanTarget.Parse("198.18.0.5"), BanTarget.Parse("198.18.0.99")]);
        Assert.Equal(["198.18.0.5", "198.18.4.0/24", "2001:2::/64"], state.Keys.Order().Select(t => t.ToString()));
    }

    [Fact]
    public void A_hundred_thousand_decisions_insert_in_one_transaction()
    {
        var many = Enumerable.Range(0, 100_000)
            .Select(i => Ban(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_0000u + (uint)i), 32).ToString(), 60))
            .ToList();
        _store.Insert(many);
        Assert.Equal(100_000, _store.InForce(Now).Count);
    }
}
