using Uncloak.Core.Retention;
using Uncloak.Core.Tests.Cli;
using Uncloak.Store;
using Uncloak.Store.Retention;
using Uncloak.Store.Watch;
using Xunit;

namespace Uncloak.Core.Tests.Store;

/// <summary>
/// Issue 16, item 5: the store never grows without limit. A store of 10 million events (generated inside SQLite, 100 days
/// at one event per 864 ms) is pruned to the retention limit in bounded steps; ended decisions, outages and actions go
/// by their own limits while bans in force and ongoing outages stay.
/// </summary>
public sealed class StoreRetentionTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 17, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Ten_million_events_are_pruned_to_the_limit_one_bounded_step_at_a_time()
    {
        const long Events = 10_000_000, StepMs = 864;
        var dir = CliRun.TempDir();
        try
        {
            using var store = SqliteStore.Open(Path.Combine(dir, "big.db"));
            long start = Now.ToUnixTimeMilliseconds() - Events * StepMs;
            store.Execute($"""
                INSERT INTO sources(id, identity, path, format, first_seen, last_seen) VALUES (1, randomblob(32), 'kern.log', 'syslog', 0, 0);
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {Events - 1})
                INSERT INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text)
                SELECT 1, i * 120, {start} + i * {StepMs}, 1, NULL, 80, x'', NULL FROM n;
                """);
            var policy = new RetentionPolicy { Events = TimeSpan.FromDays(30), Batch = 50_000 };
            long cutoff = (Now - TimeSpan.FromDays(30)).ToUnixTimeMilliseconds();
            long old = (cutoff - start + StepMs - 1) / StepMs; // events with start + i*StepMs < cutoff

            // One step (what the daemon does per tick): exactly one batch, the oldest, and it says there is more.
            var step = StoreRetention.PruneStep(store, policy, Now);
            Assert.Equal(50_000, step.Events);
            Assert.False(step.Complete);
            Assert.Equal(50_000 * 120L, Scalar(store, "SELECT min(offset) FROM events"));

            var rest = StoreRetention.PruneAll(store, policy, Now);
            Assert.True(rest.Complete);
            Assert.Equal(old, step.Events + rest.Events);
            Assert.Equal(Events - old, Scalar(store, "SELECT count(*) FROM events"));
            Assert.True(Scalar(store, "SELECT min(time_ms) FROM events") >= cutoff);
            Assert.Equal(start + (Events - 1) * StepMs, Scalar(store, "SELECT max(time_ms) FROM events"));
            // The source stays: what was read, and how far, outlives its events.
            Assert.Equal(1, Scalar(store, "SELECT count(*) FROM sources"));

            var again = StoreRetention.PruneStep(store, policy, Now);
            Assert.Equal(0, again.Total);
            Assert.True(again.Complete);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Analyzes_blocks_go_once_their_newest_row_is_past_the_limit_and_never_before()
    {
        var dir = CliRun.TempDir();
        try
        {
            // 12,000 shrunk-window lines, one every 15 s over 50 hours: blocks of a few thousand rows each, some all older
            // than the limit, one across it, the rest newer.
            var t0 = Now.UtcDateTime.AddHours(-50);
            var log = Path.Combine(dir, "kern.log");
            File.WriteAllLines(log, Enumerable.Range(0, 12_000).Select(i =>
                $"{t0.AddSeconds(15 * i):yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.3.{i % 200}:{40000 + i % 20000}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)"));
            var db = Path.Combine(dir, "u.db");
            var run = CliRun.Run("analyze", "--json", "--db", db, log);
            Assert.True(run.ExitCode is 0 or 1, run.Error);
            using var store = SqliteStore.Open(db);
            Assert.True(Scalar(store, "SELECT count(*) FROM event_blocks") > 3);
            Assert.Equal(12_000, Scalar(store, "SELECT sum(rows) FROM event_blocks"));
            Assert.Equal(12_000, StoreRetention.Stats(store).Single(t => t.Name == "events").Rows);

            var policy = new RetentionPolicy { Events = TimeSpan.FromHours(24), Batch = 2 };
            long cutoff = (Now - TimeSpan.FromHours(24)).ToUnixTimeMilliseconds();
            var pruned = StoreRetention.PruneAll(store, policy, Now);
            Assert.True(pruned.Complete);
            var left = Events.StoredRows.In(db);
            // Every line older than the limit whose block went is counted; none newer than it went.
            Assert.Equal(12_000, pruned.Events + left.Count);
            var offsets = Offsets(log);
            var kept = left.Select(r => r.Offset).ToHashSet();
            Assert.All(Enumerable.Range(0, 12_000).Where(i => new DateTimeOffset(t0.AddSeconds(15 * i)).ToUnixTimeMilliseconds() >= cutoff),
                i => Assert.Contains(offsets[i], kept));
            Assert.True(pruned.Events > 4_000, $"{pruned.Events} pruned");
            Assert.True(left.Min(r => r.TimeMs) < cutoff, "the block across the limit stays whole");
            Assert.True(Scalar(store, "SELECT min(last_ms) FROM event_blocks") >= cutoff);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static List<long> Offsets(string log)
    {
        var offsets = new List<long>();
        long offset = 0;
        foreach (var text in File.ReadLines(log))
        {
            offsets.Add(offset);
            offset += System.Text.Encoding.UTF8.GetByteCount(text) + 1;
        }
        return offsets;
    }

    [Fact]
    public void Ended_decisions_outages_and_actions_go_by_their_limits_while_bans_in_force_and_ongoing_outages_stay()
    {
        var dir = CliRun.TempDir();
        try
        {
            using var store = SqliteStore.Open(Path.Combine(dir, "u.db"));
            long day = (long)TimeSpan.FromDays(1).TotalMilliseconds, now = Now.ToUnixTimeMilliseconds();
            // status 1 active, 2 refused, 3 revoked: (target, created, expires, status, revoked)
            store.Execute($"""
                INSERT INTO decisions(target, reason, origin, created_ms, expires_ms, status, revoked_ms) VALUES
                  ('198.18.0.1', 'r', 'cli', {now - 400 * day}, {now + 10 * day}, 1, NULL),
                  ('198.18.0.2', 'r', 'cli', {now - 200 * day}, {now - 100 * day}, 1, NULL),
                  ('198.18.0.3', 'r', 'cli', {now - 50 * day}, {now - 40 * day}, 1, NULL),
                  ('198.18.0.4', 'r', 'cli', {now - 200 * day}, {now + 100 * day}, 3, {now - 95 * day}),
                  ('198.18.0.5', 'r', 'cli', {now - 91 * day}, {now - 91 * day}, 2, NULL),
                  ('198.18.0.6', 'r', 'cli', {now - 10 * day}, {now - 10 * day}, 2, NULL);
                """);
            var watch = new WatchStore(store);
            var ended = watch.StartOutage("web", Now.UtcDateTime.AddDays(-400), "timeout", "");
            watch.EndOutage(ended, Now.UtcDateTime.AddDays(-399));
            watch.StartOutage("web", Now.UtcDateTime.AddDays(-500), "refused", ""); // still going: kept however old
            var recent = watch.StartOutage("ssh", Now.UtcDateTime.AddDays(-3), "timeout", "");
            watch.EndOutage(recent, Now.UtcDateTime.AddDays(-2));
            watch.AddActions([
                new ActionRecord(Now.UtcDateTime.AddDays(-366), "s", "ban", "ban", "198.18.0.2", TimeSpan.FromHours(1), false, "banned", "r"),
                new ActionRecord(Now.UtcDateTime.AddDays(-1), "s", "ban", "ban", "198.18.0.3", TimeSpan.FromHours(1), false, "banned", "r"),
            ]);

            var pruned = StoreRetention.PruneAll(store, new RetentionPolicy(), Now);
            Assert.Equal(new PruneResult(0, 1, 1, 3, true), pruned);
            Assert.Equal(["198.18.0.1", "198.18.0.3", "198.18.0.6"], Strings(store, "SELECT target FROM decisions ORDER BY target"));
            Assert.Equal(2, watch.Outages().Count);
            Assert.Contains(watch.Outages(), o => o.End is null);
            Assert.Equal("198.18.0.3", Assert.Single(watch.Actions()).Target);

            var forever = StoreRetention.PruneAll(store, new RetentionPolicy { Decisions = null, Outages = null, Actions = null, Events = null }, Now.AddYears(5));
            Assert.Equal(0, forever.Total);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Store_stats_and_prune_report_as_json_with_the_configs_limits_and_flags_over_them()
    {
        var dir = CliRun.TempDir();
        try
        {
            var db = Path.Combine(dir, "u.db");
            var config = Path.Combine(dir, "uncloak.yaml");
            File.WriteAllText(config, $"store: {db}\nretention: {{ events: 7d, decisions: forever, every: 10m, batch: 1000 }}\n");
            using (var store = SqliteStore.Open(db))
            {
                long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), day = 86_400_000;
                store.Execute($"""
                    INSERT INTO sources(id, identity, path, format, first_seen, last_seen) VALUES (1, randomblob(32), 'kern.log', 'syslog', 0, 0);
                    INSERT INTO events(source_id, offset, time_ms, kind, peer, local_port, body) VALUES
                      (1, 0, {now - 9 * day}, 1, NULL, 80, x''), (1, 100, {now - 8 * day}, 1, NULL, 80, x''), (1, 200, {now - day}, 1, NULL, 80, x'');
                    INSERT INTO decisions(target, reason, origin, created_ms, expires_ms, status) VALUES ('198.18.0.9', 'r', 'cli', {now - 900 * day}, {now - 800 * day}, 1);
                    """);
            }
            var stats = CliRun.Run("store", "stats", "--config", config, "--json");
            Assert.True(stats.ExitCode == 0, stats.Error);
            var s = CliRun.Json(stats.Output);
            Assert.Equal("uncloak.store.stats/1", s.GetProperty("schema").GetString());
            var events = s.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("name").GetString() == "events");
            Assert.Equal(3, events.GetProperty("rows").GetInt64());
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", events.GetProperty("oldest").GetString());
            Assert.Equal(7 * 86_400, s.GetProperty("retention").GetProperty("events_seconds").GetInt64());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, s.GetProperty("retention").GetProperty("decisions_seconds").ValueKind);
            Assert.Equal(1000, s.GetProperty("retention").GetProperty("batch").GetInt32());

            var prune = CliRun.Run("store", "prune", "--config", config, "--json");
            Assert.True(prune.ExitCode == 0, prune.Error);
            var p = CliRun.Json(prune.Output);
            Assert.Equal("uncloak.store.prune/1", p.GetProperty("schema").GetString());
            Assert.Equal(2, p.GetProperty("deleted").GetProperty("events").GetInt64());
            Assert.Equal(0, p.GetProperty("deleted").GetProperty("decisions").GetInt64()); // 'forever' in the config

            var flag = CliRun.Run("store", "prune", "--config", config, "--decisions", "30d", "--json");
            Assert.Equal(1, CliRun.Json(flag.Output).GetProperty("deleted").GetProperty("decisions").GetInt64());

            var bad = CliRun.Run("store", "prune", "--config", config, "--events", "soon");
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("--events soon", bad.Error, StringComparison.Ordinal);
            File.WriteAllText(config, "retention:\n  events: soon\n");
            var badConfig = CliRun.Run("store", "prune", "--config", config);
            Assert.Equal(2, badConfig.ExitCode);
            Assert.Contains($"{config}:2:", badConfig.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static long Scalar(SqliteStore store, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static List<string> Strings(SqliteStore store, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var values = new List<string>();
        while (r.Read())
        {
            values.Add(r.GetString(0));
        }
        return values;
    }
}
