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
    public void Prior_bans_count_expired_accepted_bans_but_neither_revoked_bans_nor_refusals()
    {
        // Two bans of .5: one expired (an offence), one revoked early by the admin (issue 16: a lifted ban was a mistake
        // and does not escalate the next one); one refusal of .6.
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.6", 10, DecisionStatus.Refused, RefusalReason.RateCap)]);
        _store.Insert([Ban("198.18.0.5", 10) with { Created = Now.AddMinutes(30), Expires = Now.AddMinutes(40) }]);
        _store.Revoke([BanTarget.Parse("198.18.0.5")], Now.AddMinutes(35));
        var prior = _store.PriorBans(Now.AddDays(-1), [BanTarget.Parse("198.18.0.5"), BanTarget.Parse("198.18.0.6")], Now.AddHours(1));
        Assert.Equal(1, prior[BanTarget.Parse("198.18.0.5")]);
        Assert.False(prior.ContainsKey(BanTarget.Parse("198.18.0.6")));
        Assert.Equal(1, _store.BanTimesSince(Now.AddMinutes(-1)).Count(t => t == Now));
        // Revoked alone: no offence at all.
        _store.Insert([Ban("198.18.0.8", 10)]);
        _store.Revoke([BanTarget.Parse("198.18.0.8")], Now.AddMinutes(1));
        Assert.False(_store.PriorBans(Now.AddDays(-1), [BanTarget.Parse("198.18.0.8")], Now.AddHours(1)).ContainsKey(BanTarget.Parse("198.18.0.8")));
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
    public void The_count_in_force_is_the_in_force_targets_count_a_target_banned_twice_once_expired_revoked_and_refused_not_at_all()
    {
        _store.Insert([Ban("198.18.0.5", 10), Ban("198.18.0.5", 20), Ban("198.18.0.6", 10), Ban("198.18.4.0/24", 10), Ban("2001:2::/64", 10),
            Ban("198.18.0.7", -1), Ban("198.18.0.8", 10, DecisionStatus.Revoked), Ban("198.18.0.9", 10, DecisionStatus.Refused, RefusalReason.Allowlisted)]);
        Assert.Equal(4, _store.CountInForce(Now));
        Assert.Equal(_store.InForceTargets(Now).Count, _store.CountInForce(Now));
        Assert.Equal(0, _store.CountInForce(Now.AddMinutes(30)));
    }

    [Fact]
    public void Reading_after_an_id_can_leave_out_an_origin_prefix_in_sql_keeping_the_limit_for_what_is_returned()
    {
        var rows = new List<Decision>();
        for (int i = 0; i < 10; i++)
        {
            rows.Add(Ban($"198.18.1.{i}", 10) with { Origin = i % 3 == 0 ? "cli" : "fleet:b" });
        }
        _store.Insert(rows);
        var all = _store.After(0, 100);
        Assert.Equal(10, all.Count);
        var own = _store.After(0, 100, "fleet:");
        Assert.Equal(["198.18.1.0", "198.18.1.3", "198.18.1.6", "198.18.1.9"], own.Select(d => d.Target.ToString()));
        Assert.Equal(["198.18.1.0", "198.18.1.3"], _store.After(0, 2, "fleet:").Select(d => d.Target.ToString()));
        Assert.Equal(["198.18.1.6", "198.18.1.9"], _store.After(own[1].Id, 5, "fleet:").Select(d => d.Target.ToString()));
        // A prefix is a prefix, not a pattern: "fleet_" and "%" match nothing here.
        Assert.Equal(10, _store.After(0, 100, "fleet_").Count);
        Assert.Equal(10, _store.After(0, 100, "%").Count);
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

    [Fact]
    public void A_re_ban_while_banned_extends_the_ban_in_force_instead_of_adding_a_row()
    {
        // Issue 16, item 2: `bans add` twice left two active rows for one address.
        var first = _store.Insert([Ban("198.18.0.5", 10)])[0];
        var renewed = _store.Renew(BanTarget.Parse("198.18.0.5"), Now.AddMinutes(30), Now.AddMinutes(1));
        Assert.NotNull(renewed);
        Assert.Equal(first.Id, renewed.Id);
        Assert.Equal(Now.AddMinutes(30), renewed.Expires);
        Assert.Equal(1, renewed.Renewals);
        Assert.Equal(Now.AddMinutes(1), renewed.Renewed);
        // Never shortened; and nothing to renew once it has expired.
        Assert.Equal(Now.AddMinutes(30), _store.Renew(BanTarget.Parse("198.18.0.5"), Now.AddMinutes(5), Now.AddMinutes(2))!.Expires);
        Assert.Null(_store.Renew(BanTarget.Parse("198.18.0.5"), Now.AddMinutes(90), Now.AddMinutes(31)));
        Assert.Single(_store.List(Now, all: true, limit: 10));
    }

    [Fact]
    public void Listing_filters_by_address_inside_networks_scenario_origin_time_and_activity()
    {
        _store.Insert([
            Ban("198.18.0.5", 10) with { Origin = "watch", Scenario = "zero-window-holders" },
            Ban("198.18.0.0/24", 10),
            Ban("198.18.1.9", 10) with { Origin = "watch", Scenario = "port-scanners", Created = Now.AddMinutes(5), Expires = Now.AddMinutes(6) },
            Ban("2001:2::/64", 10) with { Origin = "import" },
        ]);
        var at = Now.AddMinutes(7);
        string Show(DecisionFilter f) => string.Join(" ", _store.List(f, at, 100).Select(d => d.Target.ToString()).Order());

        Assert.Equal("198.18.0.0/24 198.18.0.5", Show(new DecisionFilter { Address = Uncloak.Core.Events.NetAddress.Parse("198.18.0.5") }));
        Assert.Equal("2001:2::/64", Show(new DecisionFilter { Address = Uncloak.Core.Events.NetAddress.Parse("2001:2::7") }));
        Assert.Equal("198.18.0.5", Show(new DecisionFilter { Scenario = "zero-window-holders" }));
        Assert.Equal("198.18.0.5 198.18.1.9", Show(new DecisionFilter { Origin = "watch" }));
        Assert.Equal("198.18.1.9", Show(new DecisionFilter { Since = Now.AddMinutes(1) }));
        // At minute 7 the port scanner's one-minute ban has ended.
        Assert.Equal("198.18.0.0/24 198.18.0.5 2001:2::/64", Show(new DecisionFilter { Active = true }));
        Assert.Equal("", Show(new DecisionFilter { Active = true, Scenario = "port-scanners" }));
    }

    [Fact]
    public void Revoking_by_scenario_or_origin_records_who_and_keeps_other_bans()
    {
        _store.Insert([
            Ban("198.18.0.5", 10) with { Origin = "watch", Scenario = "zero-window-holders" },
            Ban("198.18.0.6", 10) with { Origin = "watch", Scenario = "port-scanners" },
            Ban("198.18.0.7", 10),
        ]);
        Assert.Equal(1, _store.RevokeMatching("zero-window-holders", null, Now.AddMinutes(1), "root (bans del)"));
        Assert.Equal(["198.18.0.6", "198.18.0.7"], _store.InForce(Now.AddMinutes(2)).Select(d => d.Target.ToString()));
        var revoked = _store.List(new DecisionFilter { Address = Uncloak.Core.Events.NetAddress.Parse("198.18.0.5") }, Now, 10).Single();
        Assert.Equal("root (bans del)", revoked.RevokedBy);
        Assert.Equal(Now.AddMinutes(1), revoked.Revoked);
        Assert.Equal(1, _store.RevokeMatching(null, "cli", Now.AddMinutes(2), "root (bans del)"));
        Assert.Equal(["198.18.0.6"], _store.InForce(Now.AddMinutes(3)).Select(d => d.Target.ToString()));
    }

    [Fact]
    public void A_decision_keeps_the_link_to_its_triggering_event()
    {
        var evidence = new DecisionEvidence(3, 4096, Now.AddSeconds(-20), 6);
        _store.Insert([Ban("198.18.0.5", 10) with { Origin = "watch", Scenario = "shrunk-window-peers", Evidence = evidence }, Ban("198.18.0.6", 10)]);
        var rows = _store.List(Now, all: true, limit: 10).OrderBy(d => d.Id).ToList();
        Assert.Equal(evidence, rows[0].Evidence);
        Assert.Null(rows[1].Evidence);
    }

    [Fact]
    public void Bans_in_force_are_counted_per_origin_and_scenario()
    {
        _store.Insert([
            Ban("198.18.0.5", 10) with { Origin = "watch", Scenario = "zero-window-holders" },
            Ban("198.18.0.6", 10) with { Origin = "watch", Scenario = "zero-window-holders" },
            Ban("198.18.0.7", 10),
            Ban("198.18.0.8", -1),
        ]);
        Assert.Equal([("cli", (string?)null, 1), ("watch", "zero-window-holders", 2)], _store.InForceByOrigin(Now));
    }

    private List<string> DecisionIndexes()
    {
        using var cmd = _sqlite.Connection.CreateCommand();
        cmd.CommandText = "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'decisions' AND sql IS NOT NULL ORDER BY name";
        using var r = cmd.ExecuteReader();
        var list = new List<string>();
        while (r.Read())
        {
            list.Add(r.GetString(0));
        }
        return list;
    }

    private string QueryPlan(string sql)
    {
        using var cmd = _sqlite.Connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        using var r = cmd.ExecuteReader();
        var plan = new List<string>();
        while (r.Read())
        {
            plan.Add(r.GetString(3));
        }
        return string.Join(" | ", plan);
    }

    [Theory]
    [InlineData(0)]      // a first import into an empty table: indexes dropped and built after the rows
    [InlineData(20_000)] // a table larger than the batch: indexes kept and written row by row
    public void A_bulk_insert_leaves_every_index_as_the_schema_defines_it_and_in_use(int earlier)
    {
        var schema = DecisionIndexes();
        Assert.Equal(3, schema.Count);
        if (earlier > 0)
        {
            _store.Insert([.. Enumerable.Range(0, earlier).Select(i => Ban(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC613_0000u + (uint)i), 32).ToString(), -1))]);
        }
        var batch = Enumerable.Range(0, 6_000)
            .Select(i => Ban(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_0000u + (uint)i), 32).ToString(), 60))
            .Append(Ban("198.18.128.0/24", 60))
            .Append(Ban("2001:2::/64", 60) with { Scenario = "zero_window", Origin = "watch" })
            .ToList();
        var stored = _store.Insert(batch);

        Assert.Equal(schema, DecisionIndexes());
        Assert.Equal(earlier + batch.Count, stored[^1].Id);
        using (var check = _sqlite.Connection.CreateCommand())
        {
            // Every index entry matches its row (a rebuilt index missing rows or holding stale ones fails here).
            check.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", check.ExecuteScalar());
        }
        Assert.Contains("INDEX decisions_target", QueryPlan("SELECT id FROM decisions WHERE target = '198.18.0.7'"), StringComparison.Ordinal);
        // The probes that name their index find the new rows through it.
        var probe = _store.InForceTargets(Now, [BanTarget.Parse("198.18.0.7"), BanTarget.Parse("198.18.23.111")]);
        Assert.Equal(["198.18.0.7", "198.18.23.111", "198.18.128.0/24", "2001:2::/64"], probe.Keys.Order().Select(t => t.ToString()));
        Assert.Equal(6_002, _store.InForce(Now).Count);
        Assert.Equal([("cli", (string?)null, 6_001), ("watch", "zero_window", 1)], _store.InForceByOrigin(Now));
        Assert.Equal(stored.TakeLast(10), _store.List(Now, all: true, limit: 10).OrderBy(d => d.Id));
    }

    [Fact]
    public void Commits_under_a_checkpoint_deferral_stay_in_the_wal_until_it_ends()
    {
        string db = Path.Combine(_dir, "t.db");
        // 50,000 rows are some 5.7 MB (1,400 pages of 4 KiB, 350 of 16 KiB): past the store's 4 MB checkpoint threshold.
        var batch = Enumerable.Range(0, 50_000)
            .Select(i => Ban(new BanTarget(Uncloak.Core.Events.NetAddress.FromV4(0xC612_0000u + (uint)i), 32).ToString(), 60))
            .ToList();
        long dbBefore = new FileInfo(db).Length;
        using (_store.DeferCheckpoints())
        {
            _store.Insert(batch);
            _store.EndIntent(_store.BeginIntent("ban", Environment.ProcessId, Now));
            // Committed (readable, in the WAL) but not copied into the database file.
            Assert.Equal(50_000, _store.InForce(Now).Count);
            Assert.Equal(dbBefore, new FileInfo(db).Length);
            Assert.True(new FileInfo(db + "-wal").Length > 1_000 * 4096, "the batch's pages are in the WAL");
        }
        // The next commit after the scope checkpoints, as every commit does once the WAL holds 4 MB.
        _store.EndIntent(_store.BeginIntent("ban", Environment.ProcessId, Now));
        Assert.True(new FileInfo(db).Length > dbBefore + (500 * 4096), "checkpointed into the database file after the scope");
        Assert.Equal(50_000, _store.InForce(Now).Count);
    }
}
