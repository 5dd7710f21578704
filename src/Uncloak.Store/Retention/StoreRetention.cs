using Uncloak.Core.Retention;
using Microsoft.Data.Sqlite;

namespace Uncloak.Store.Retention;

/// <summary>
/// Prunes the store by a <see cref="RetentionPolicy"/> in bounded steps, and says what it holds.
/// <para>
/// Events have no index on time (it cost a quarter of every insert, see migration 11), so they are pruned per source in
/// key order: a source's events are in the order they were read, which is time order, so each step reads at most
/// <see cref="RetentionPolicy.Batch"/> rows from the front of a source and deletes the run of them that is older than the
/// limit — one range delete on the primary key. A source whose front holds an event newer than the limit (a clock
/// jump in the log) is left until that event ages: the store keeps too much, never too little. Events with no wall
/// time (uptime-stamped dmesg) are pruned with their neighbours. The blocks of rows <c>uncloak analyze</c> writes
/// (<c>event_blocks</c>) go the same way, a block once the newest of its rows is older than the limit.
/// </para>
/// </summary>
public static class StoreRetention
{
    /// <summary>One step: at most <see cref="RetentionPolicy.Batch"/> rows per kind (and per source for events), each kind in its own transaction.</summary>
    public static PruneResult PruneStep(SqliteStore store, RetentionPolicy policy, DateTimeOffset now)
    {
        long events = 0;
        bool complete = true;
        if (policy.Events is { } eventsAge)
        {
            long cutoff = (now - eventsAge).ToUnixTimeMilliseconds();
            foreach (long source in Longs(store, "SELECT id FROM sources ORDER BY id"))
            {
                var (deleted, more) = PruneSource(store, EventRows, source, cutoff, policy.Batch);
                var (inBlocks, moreBlocks) = PruneSource(store, EventBlocks, source, cutoff, policy.Batch);
                events += deleted + inBlocks;
                complete &= !more && !moreBlocks;
            }
        }
        var (outages, o) = DeleteBatch(store, policy.Outages, now, policy.Batch,
            "DELETE FROM outages WHERE id IN (SELECT id FROM outages WHERE end_ms IS NOT NULL AND end_ms < $cutoff LIMIT $batch)");
        var (actions, a) = DeleteBatch(store, policy.Actions, now, policy.Batch,
            "DELETE FROM watch_actions WHERE id IN (SELECT id FROM watch_actions WHERE time_ms < $cutoff ORDER BY time_ms LIMIT $batch)");
        // In force: status 1 and not yet expired. Everything else ended at its expiry (1), its revocation (3) or its refusal (2).
        var (decisions, d) = DeleteBatch(store, policy.Decisions, now, policy.Batch, """
            DELETE FROM decisions WHERE id IN (SELECT id FROM decisions WHERE
                (status = 1 AND expires_ms < $cutoff) OR (status = 3 AND coalesce(revoked_ms, expires_ms) < $cutoff) OR (status = 2 AND created_ms < $cutoff)
                LIMIT $batch)
            """);
        return new PruneResult(events, outages, actions, decisions, complete && o && a && d);
    }

    /// <summary>Steps until nothing older than the limits is left (each step its own transactions, so writers interleave).</summary>
    public static PruneResult PruneAll(SqliteStore store, RetentionPolicy policy, DateTimeOffset now, CancellationToken cancel = default)
    {
        var total = new PruneResult(0, 0, 0, 0, false);
        while (!total.Complete && !cancel.IsCancellationRequested)
        {
            total += PruneStep(store, policy, now);
        }
        return total;
    }

    /// <summary>Rows and time span of each kind. Events are counted with one pass over the table (no time index).</summary>
    public static IReadOnlyList<TableStats> Stats(SqliteStore store) =>
    [
        Table(store, "events", """
            SELECT sum(n), min(first), max(last) FROM (
                SELECT count(*) AS n, min(time_ms) AS first, max(time_ms) AS last FROM events
                UNION ALL SELECT coalesce(sum(rows), 0), min(first_ms), max(last_ms) FROM event_blocks)
            """),
        Table(store, "outages", "SELECT count(*), min(start_ms), max(coalesce(end_ms, start_ms)) FROM outages"),
        Table(store, "actions", "SELECT count(*), min(time_ms), max(time_ms) FROM watch_actions"),
        Table(store, "decisions", "SELECT count(*), min(created_ms), max(created_ms) FROM decisions"),
        Table(store, "sources", "SELECT count(*), min(first_seen), max(last_seen) FROM sources"),
    ];

    /// <summary>The file's size in bytes and how much of it is free pages (reused by new rows; VACUUM would return them).</summary>
    public static (long Bytes, long FreeBytes) FileSize(SqliteStore store)
    {
        long pageSize = Longs(store, "PRAGMA page_size")[0];
        return (Longs(store, "PRAGMA page_count")[0] * pageSize, Longs(store, "PRAGMA freelist_count")[0] * pageSize);
    }

    /// <summary>A source's rows: one each, oldest first by their own time.</summary>
    private static readonly PrunedTable EventRows = new("events", "time_ms", "1");

    /// <summary>A source's blocks (analyze's rows, a few hundred each): a block goes once the newest of its rows is old.</summary>
    private static readonly PrunedTable EventBlocks = new("event_blocks", "last_ms", "rows");

    private sealed record PrunedTable(string Name, string TimeColumn, string RowsExpression);

    /// <summary>
    /// One step over the front of a source in <paramref name="table"/>: the run of entries older than the limit, in key
    /// order, deleted in one range; the events they held, and whether more may follow (every entry read was old and the
    /// batch was full).
    /// </summary>
    private static (long Deleted, bool More) PruneSource(SqliteStore store, PrunedTable table, long source, long cutoff, int batch)
    {
        long? last = null;
        long events = 0;
        int read = 0;
        bool reachedNew = false;
        using (var cmd = store.Connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT offset, {table.TimeColumn}, {table.RowsExpression} FROM {table.Name} WHERE source_id = $s ORDER BY offset LIMIT $batch";
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$batch", batch);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                read++;
                if (!r.IsDBNull(1) && r.GetInt64(1) >= cutoff)
                {
                    reachedNew = true;
                    break;
                }
                last = r.GetInt64(0);
                events += r.GetInt64(2);
            }
        }
        if (last is { } through)
        {
            using var tx = store.Connection.BeginTransaction();
            using var cmd = store.Connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = $"DELETE FROM {table.Name} WHERE source_id = $s AND offset <= $last";
            cmd.Parameters.AddWithValue("$s", source);
            cmd.Parameters.AddWithValue("$last", through);
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
        return (events, !reachedNew && read == batch);
    }

    private static (long Deleted, bool Complete) DeleteBatch(SqliteStore store, TimeSpan? age, DateTimeOffset now, int batch, string sql)
    {
        if (age is not { } keep)
        {
            return (0, true);
        }
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$cutoff", (now - keep).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$batch", batch);
        int n = cmd.ExecuteNonQuery();
        return (n, n < batch);
    }

    private static TableStats Table(SqliteStore store, string name, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        r.Read();
        return new TableStats(name, r.GetInt64(0), Time(r, 1), Time(r, 2));
    }

    private static DateTimeOffset? Time(SqliteDataReader r, int column)
        => r.IsDBNull(column) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(column));

    private static List<long> Longs(SqliteStore store, string sql)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var values = new List<long>();
        while (r.Read())
        {
            values.Add(r.GetInt64(0));
        }
        return values;
    }
}
