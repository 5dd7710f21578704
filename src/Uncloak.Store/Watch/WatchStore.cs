using System.Text;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Watch;

/// <summary>
/// The daemon's writes: a batch of a live source's events with its new cursor in one transaction (so a crash
/// between them cannot duplicate or lose events), outages, and remediation actions. Not thread-safe: the
/// daemon's engine thread owns it.
/// </summary>
public sealed class WatchStore
{
    private static readonly string[] EventInsertNames = ["$s", "$o", "$t", "$k", "$p", "$l", "$b", "$x"];

    private readonly SqliteStore _store;

    public WatchStore(SqliteStore store) => _store = store;

    public SqliteStore Store => _store;

    /// <summary>The store id for a live source, created on first use (its identity is its name).</summary>
    public int SourceIdFor(string source, string path, string format)
    {
        // The managed SHA-256: the same identity as before, without loading OpenSSL into the daemon for it.
        var identity = Sha256.Hash(Encoding.UTF8.GetBytes("live:" + source));
        return SourceRegistry.Register(_store, identity, path, format).Id;
    }

    public SourceCursor? Cursor(string source)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, cursor, position, gaps FROM watch_cursors WHERE source = $s";
        cmd.Parameters.AddWithValue("$s", source);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new SourceCursor(source, r.GetInt32(0), r.GetString(1), r.GetInt64(2), r.GetInt64(3)) : null;
    }

    public IReadOnlyList<SourceCursor> Cursors()
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source, source_id, cursor, position, gaps FROM watch_cursors ORDER BY source";
        using var r = cmd.ExecuteReader();
        var list = new List<SourceCursor>();
        while (r.Read())
        {
            list.Add(new SourceCursor(r.GetString(0), r.GetInt32(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4)));
        }
        return list;
    }

    /// <summary>
    /// Stores <paramref name="events"/> (rows keyed by source and position; a repeat is ignored), the actions taken
    /// for them, and the source's new cursor, atomically.
    /// </summary>
    public void Commit(SourceCursor cursor, IReadOnlyList<(NetEvent Event, string? Text)> events, IReadOnlyList<ActionRecord> actions, DateTime now)
    {
        using var tx = _store.Connection.BeginTransaction();
        if (events.Count > 0)
        {
            using var insert = _store.Connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = """
                INSERT OR IGNORE INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text)
                VALUES ($s, $o, $t, $k, $p, $l, $b, $x)
                """;
            var ps = EventInsertNames.Select(n => insert.Parameters.Add(n, SqliteType.Blob)).ToArray();
            var timeline = new TimelineCounts();
            foreach (var (ev, text) in events)
            {
                ps[0].Value = ev.Position.SourceId;
                ps[1].Value = ev.Position.Offset;
                ps[2].Value = ev.HasTime ? new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds() : DBNull.Value;
                ps[3].Value = (int)ev.Kind;
                ps[4].Value = EventColumns.AddressBytes(ev.Peer);
                ps[5].Value = (int)ev.LocalPort;
                ps[6].Value = EventPacking.Pack(ev);
                ps[7].Value = (object?)text ?? DBNull.Value;
                if (insert.ExecuteNonQuery() != 0)
                {
                    timeline.Add(ev); // a repeat (ignored) is not counted twice
                }
            }
            timeline.Flush(_store.Connection, tx);
        }
        InsertActions(tx, actions);
        using (var up = _store.Connection.CreateCommand())
        {
            up.Transaction = tx;
            up.CommandText = """
                INSERT INTO watch_cursors(source, source_id, cursor, position, gaps, updated_ms) VALUES ($s, $id, $c, $p, $g, $now)
                ON CONFLICT(source) DO UPDATE SET cursor = excluded.cursor, position = excluded.position, gaps = excluded.gaps, updated_ms = excluded.updated_ms
                """;
            up.Parameters.AddWithValue("$s", cursor.Source);
            up.Parameters.AddWithValue("$id", cursor.SourceId);
            up.Parameters.AddWithValue("$c", cursor.Cursor);
            up.Parameters.AddWithValue("$p", cursor.Position);
            up.Parameters.AddWithValue("$g", cursor.Gaps);
            up.Parameters.AddWithValue("$now", new DateTimeOffset(now).ToUnixTimeMilliseconds());
            up.ExecuteNonQuery();
        }
        tx.Commit();
    }

    public void AddActions(IReadOnlyList<ActionRecord> actions)
    {
        using var tx = _store.Connection.BeginTransaction();
        InsertActions(tx, actions);
        tx.Commit();
    }

    private void InsertActions(SqliteTransaction tx, IReadOnlyList<ActionRecord> actions)
    {
        foreach (var a in actions)
        {
            using var cmd = _store.Connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO watch_actions(time_ms, scenario, profile, action, target, duration_s, simulated, outcome, reason)
                VALUES ($t, $s, $p, $a, $g, $d, $sim, $o, $r)
                """;
            cmd.Parameters.AddWithValue("$t", new DateTimeOffset(DateTime.SpecifyKind(a.Time, DateTimeKind.Utc)).ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$s", a.Scenario);
            cmd.Parameters.AddWithValue("$p", a.Profile);
            cmd.Parameters.AddWithValue("$a", a.Action);
            cmd.Parameters.AddWithValue("$g", a.Target);
            cmd.Parameters.AddWithValue("$d", (long)a.Duration.TotalSeconds);
            cmd.Parameters.AddWithValue("$sim", a.Simulated ? 1 : 0);
            cmd.Parameters.AddWithValue("$o", a.Outcome);
            cmd.Parameters.AddWithValue("$r", a.Reason);
            cmd.ExecuteNonQuery();
        }
    }

    public IReadOnlyList<ActionRecord> Actions() => Actions(null);

    /// <summary>The newest <paramref name="newest"/> actions, newest first (the dashboard's actions page; one index read).</summary>
    public IReadOnlyList<ActionRecord> NewestActions(int newest) => Actions(newest);

    private List<ActionRecord> Actions(int? newest)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "SELECT time_ms, scenario, profile, action, target, duration_s, simulated, outcome, reason FROM watch_actions " +
            (newest is null ? "ORDER BY id" : "ORDER BY id DESC LIMIT $n");
        if (newest is { } n)
        {
            cmd.Parameters.AddWithValue("$n", n);
        }
        using var r = cmd.ExecuteReader();
        var list = new List<ActionRecord>();
        while (r.Read())
        {
            list.Add(new ActionRecord(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)).UtcDateTime, r.GetString(1), r.GetString(2), r.GetString(3),
                r.GetString(4), TimeSpan.FromSeconds(r.GetInt64(5)), r.GetInt64(6) != 0, r.GetString(7), r.GetString(8)));
        }
        return list;
    }

    /// <summary>Opens an outage and returns its id.</summary>
    public long StartOutage(string probe, DateTime start, string cause, string detail)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "INSERT INTO outages(probe, start_ms, cause, detail) VALUES ($p, $s, $c, $d) RETURNING id";
        cmd.Parameters.AddWithValue("$p", probe);
        cmd.Parameters.AddWithValue("$s", new DateTimeOffset(start).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$c", cause);
        cmd.Parameters.AddWithValue("$d", detail);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public void EndOutage(long id, DateTime end)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "UPDATE outages SET end_ms = $e WHERE id = $id AND end_ms IS NULL";
        cmd.Parameters.AddWithValue("$e", new DateTimeOffset(end).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$id", id);
        cmd.ExecuteNonQuery();
    }

    /// <summary>The outage of <paramref name="probe"/> still open (a daemon restarted during it), if any.</summary>
    public Outage? OpenOutage(string probe) => Outages().LastOrDefault(o => o.Probe == probe && o.End is null);

    public IReadOnlyList<Outage> Outages()
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "SELECT id, probe, start_ms, end_ms, cause, detail FROM outages ORDER BY start_ms, id";
        using var r = cmd.ExecuteReader();
        var list = new List<Outage>();
        while (r.Read())
        {
            list.Add(new Outage(r.GetInt64(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)).UtcDateTime,
                r.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)).UtcDateTime, r.GetString(4), r.GetString(5)));
        }
        return list;
    }
}
