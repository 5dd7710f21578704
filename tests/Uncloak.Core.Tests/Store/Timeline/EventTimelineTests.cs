using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store;
using Uncloak.Store.Events;
using Uncloak.Store.Timeline;
using Uncloak.Store.Watch;
using Xunit;

namespace Uncloak.Core.Tests.Store.Timeline;

/// <summary>
/// Issue 14: the timeline reads per-minute and per-hour counts (migration 40) that the writers keep in step with the
/// events they store — analyze's bulk writer (rows and firewall LOG aggregates) and the daemon's commits.
/// </summary>
public sealed class EventTimelineTests : IDisposable
{
    private static readonly DateTime T0 = new(2026, 12, 3, 22, 58, 10, DateTimeKind.Utc);

    private readonly string _dir = CliRun.TempDir();

    private string Db => Path.Combine(_dir, "t.db");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Iso(DateTime t) => $"{t:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00";

    private static string Shrunk(DateTime t, int port) =>
        $"{Iso(t)} web1 kernel: TCP: Peer 198.18.3.5:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    private static string Drop(DateTime t, int port) =>
        $"{Iso(t)} web1 kernel: IPTABLES-DROP: IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=198.18.9.{port % 200} DST=198.18.0.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT={port} DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ";

    /// <summary>
    /// 5 treason lines in 22:58, 3 in 23:01 (next hour), and firewall drops: 4 in 22:59, 2 in 23:01 — stored by
    /// <c>uncloak analyze --db</c>, the treason lines as rows, the drops as per-minute aggregates.
    /// </summary>
    private void Analyze()
    {
        var log = Path.Combine(_dir, "kern.log");
        File.WriteAllLines(log, [
            .. Enumerable.Range(0, 5).Select(i => Shrunk(T0.AddSeconds(i * 9), 40000 + i)),
            .. Enumerable.Range(0, 4).Select(i => Drop(T0.AddMinutes(1).AddSeconds(i), 50000 + i)),
            .. Enumerable.Range(0, 3).Select(i => Shrunk(T0.AddMinutes(3).AddSeconds(i), 41000 + i)),
            .. Enumerable.Range(0, 2).Select(i => Drop(T0.AddMinutes(3).AddSeconds(20 + i), 51000 + i)),
        ]);
        var analyze = CliRun.Run("analyze", "--db", Db, "--json", log);
        Assert.True(analyze.ExitCode is 0 or 1, analyze.Error);
    }

    private static long Minute(DateTime t) => TimelineCounts.UnixMinute(t);

    private List<(long Bucket, string Kind, long Count)> Rows(string table)
    {
        using var c = new SqliteConnection($"Data Source={Db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = $"SELECT * FROM {table}";
        using var r = cmd.ExecuteReader();
        var rows = new List<(long, string, long)>();
        while (r.Read())
        {
            rows.Add((r.GetInt64(0), ((EventKind)r.GetInt32(1)).Name(), r.GetInt64(2)));
        }
        return [.. rows.OrderBy(r => r.Item1).ThenBy(r => r.Item2, StringComparer.Ordinal)];
    }

    [Fact]
    public void Analyze_counts_stored_rows_and_firewall_aggregates_per_minute_and_per_hour_and_a_second_run_adds_nothing()
    {
        Analyze();
        var minutes = Rows("event_minutes");
        Assert.Equal([
            (Minute(T0), "treason", 5L),
            (Minute(T0) + 1, "firewall_log", 4L),
            (Minute(T0) + 3, "firewall_log", 2L),
            (Minute(T0) + 3, "treason", 3L),
        ], minutes);
        long hour = Minute(T0) / 60;
        Assert.Equal([(hour, "firewall_log", 4L), (hour, "treason", 5L), (hour + 1, "firewall_log", 2L), (hour + 1, "treason", 3L)], Rows("event_hours"));

        Analyze(); // the same file again: the store has it, nothing is counted twice
        Assert.Equal(minutes, Rows("event_minutes"));
    }

    [Fact]
    public void A_read_of_under_two_days_is_per_minute_with_empty_minutes_as_zero_and_a_longer_one_is_per_hour()
    {
        Analyze();
        using var store = SqliteStore.Open(Db);
        var from = new DateTimeOffset(T0.AddMinutes(-1));
        var short_ = EventTimeline.Read(store, from, from.AddMinutes(10));
        Assert.Equal(TimeSpan.FromMinutes(1), short_.Step);
        Assert.Equal(new DateTimeOffset(2026, 12, 3, 22, 57, 0, TimeSpan.Zero), short_.Start);
        Assert.Equal(11, short_.Buckets); // 22:57 to 23:07 and the partial minute at the end
        Assert.Equal([0L, 5, 0, 0, 3, 0, 0, 0, 0, 0, 0], short_.Counts[EventKind.Treason]);
        Assert.Equal([0L, 0, 4, 0, 2, 0, 0, 0, 0, 0, 0], short_.Counts[EventKind.FirewallLog]);
        Assert.Equal(14, short_.Total);

        var month = EventTimeline.Read(store, from.AddDays(-29), from.AddDays(1));
        Assert.Equal(TimeSpan.FromHours(1), month.Step);
        Assert.Equal(721, month.Buckets);
        int at = (int)((new DateTimeOffset(2026, 12, 3, 22, 0, 0, TimeSpan.Zero) - month.Start) / month.Step);
        Assert.Equal([5L, 3], month.Counts[EventKind.Treason][at..(at + 2)]);
        Assert.Equal(8, month.Counts[EventKind.Treason].Sum());
        Assert.Equal(2, month.Counts.Count);

        Assert.Throws<ArgumentOutOfRangeException>(() => EventTimeline.Read(store, from, from));
        Assert.Throws<ArgumentOutOfRangeException>(() => EventTimeline.Read(store, from.AddDays(-40), from));
    }

    [Fact]
    public void A_flush_adds_every_minute_and_kind_whatever_their_order_pre_1970_minutes_and_takebacks_included()
    {
        using var store = SqliteStore.Open(Db);
        var random = new Random(18);
        var kinds = Enum.GetValues<EventKind>();
        var expected = new Dictionary<(long, EventKind), long>();
        var counts = new TimelineCounts();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 5_000; i++)
            {
                // Minutes on both sides of the epoch and far apart; counts that take back what an earlier round added.
                long minute = random.Next(3) switch { 0 => random.Next(-3, 3), 1 => -30_000_000 + random.Next(100), _ => 29_000_000 + random.Next(2_000) };
                var kind = kinds[random.Next(kinds.Length)];
                long count = random.Next(-2, 9);
                counts.Add(minute, kind, count);
                expected[(minute, kind)] = expected.GetValueOrDefault((minute, kind)) + count;
            }
            using var tx = store.Connection.BeginTransaction();
            counts.Flush(store.Connection, tx);
            tx.Commit();
        }
        Assert.Equal(0, counts.Pending);
        // Rows whose adds cancelled out hold 0: compared on what is not zero.
        var minutes = expected.Select(e => (e.Key.Item1, e.Key.Item2.Name(), e.Value));
        Assert.Equal(NonZero(minutes), NonZero(Rows("event_minutes")));
        var hours = expected.GroupBy(e => (Hour: e.Key.Item1 / 60, e.Key.Item2)).Select(g => (g.Key.Hour, g.Key.Item2.Name(), g.Sum(e => e.Value)));
        Assert.Equal(NonZero(hours), NonZero(Rows("event_hours")));
        Assert.True(NonZero(minutes).Count > 3_000);
    }

    private static List<(long, string, long)> NonZero(IEnumerable<(long Bucket, string Kind, long Count)> rows)
        => [.. rows.Where(r => r.Count != 0).OrderBy(r => r.Bucket).ThenBy(r => r.Kind, StringComparer.Ordinal)];

    [Fact]
    public void The_daemons_commits_count_each_stored_event_once_and_events_without_a_wall_clock_not_at_all()
    {
        using var store = SqliteStore.Open(Db);
        var watch = new WatchStore(store);
        int source = watch.SourceIdFor("kmsg:test", "/dev/kmsg", "kmsg");
        NetEvent At(long offset, DateTime? time) => new()
        {
            Kind = EventKind.Treason, Time = time ?? default, UptimeMicros = time is null ? 5_000_000 : -1,
            Position = new SourcePosition(source, offset), Peer = NetAddress.Parse("198.18.3.5"),
        };
        watch.Commit(new SourceCursor("kmsg:test", source, "2", 2, 0), [(At(0, T0), "a"), (At(1, T0.AddSeconds(30)), "b")], [], T0);
        // A restart replays offset 1 (ignored as a row, so not counted) and adds 2, and 3 with only an uptime clock.
        watch.Commit(new SourceCursor("kmsg:test", source, "4", 4, 0), [(At(1, T0.AddSeconds(30)), "b"), (At(2, T0.AddMinutes(2)), "c"), (At(3, null), "d")], [], T0);
        Assert.Equal([(Minute(T0), "treason", 2L), (Minute(T0) + 2, "treason", 1L)], Rows("event_minutes"));
        Assert.Equal(3, EventTimeline.Read(store, new DateTimeOffset(T0).AddHours(-1), new DateTimeOffset(T0).AddHours(1)).Total);
    }

    [Fact]
    public void A_store_from_before_migration_40_gets_the_counts_of_the_rows_and_aggregates_it_holds()
    {
        Analyze();
        var kept = Rows("event_minutes");
        var hours = Rows("event_hours");
        using (var store = SqliteStore.Open(Db))
        {
            // Back to version 30: the counts' tables did not exist yet, and the firewall aggregates were rows of the
            // rollups table (blocks came with version 45).
            foreach (var r in EventReader.ReadRollups(store))
            {
                using var insert = store.Connection.CreateCommand();
                insert.CommandText = """
                    INSERT INTO rollups(source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute)
                    VALUES ($s, $k, $scope, $u, $b, $p, $port, $c, $f, $l)
                    """;
                var peer = new byte[16];
                if (!r.Peer.IsNone)
                {
                    r.Peer.WriteBytes(peer);
                }
                (string, object)[] values = [("$s", r.SourceId), ("$k", (int)r.Kind), ("$scope", (int)r.Scope), ("$u", r.Uptime ? 1 : 0), ("$b", r.Minute),
                    ("$p", r.Peer.IsNone ? Array.Empty<byte>() : peer), ("$port", (int)r.Port), ("$c", r.Count), ("$f", r.FirstMinute), ("$l", r.LastMinute)];
                foreach (var (name, value) in values)
                {
                    insert.Parameters.AddWithValue(name, value);
                }
                insert.ExecuteNonQuery();
            }
            // And the rare events were events rows (analyze writes blocks of them since version 46).
            foreach (var row in Events.StoredRows.In(Db))
            {
                using var insert = store.Connection.CreateCommand();
                insert.CommandText = "INSERT INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text, weight, last_clock, lines) " +
                    "VALUES ($s, $o, $t, $k, $p, $port, $b, $text, $w, $l, $lines)";
                (string, object?)[] values = [("$s", row.Source), ("$o", row.Offset), ("$t", row.TimeMs), ("$k", (int)row.Kind),
                    ("$p", row.Peer.IsNone ? null : EventColumns.AddressBytes(row.Peer)), ("$port", (int)row.LocalPort), ("$b", row.Body),
                    ("$text", row.Text), ("$w", row.Weight == 1 ? null : row.Weight), ("$l", row.LastClock), ("$lines", row.Lines)];
                foreach (var (name, value) in values)
                {
                    insert.Parameters.AddWithValue(name, value ?? DBNull.Value);
                }
                insert.ExecuteNonQuery();
            }
            store.Execute("DROP TABLE rollup_blocks; DROP TABLE event_blocks; DROP TABLE event_minutes; DROP TABLE event_hours; PRAGMA user_version = 30;");
        }
        using (var store = SqliteStore.Open(Db))
        {
            Assert.True(store.SchemaVersion() >= 40);
        }
        Assert.Equal(kept, Rows("event_minutes"));
        Assert.Equal(hours, Rows("event_hours"));
    }
}
