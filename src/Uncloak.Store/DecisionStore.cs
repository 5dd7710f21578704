using System.Globalization;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Decisions;

namespace Uncloak.Store;

/// <summary>
/// Decisions in SQLite: the truth about who is banned. Enforcers derive the kernel's sets from
/// <see cref="InForce"/>; every write is one transaction, however many decisions it carries.
/// </summary>
public sealed class DecisionStore
{
    private readonly SqliteStore _store;

    public DecisionStore(SqliteStore store) => _store = store;

    private SqliteConnection Connection => _store.Connection;

    /// <summary>Stores decisions (accepted and refused) in one transaction and returns them with their ids.</summary>
    public IReadOnlyList<Decision> Insert(IReadOnlyList<Decision> decisions)
    {
        var stored = new List<Decision>(decisions.Count);
        if (decisions.Count == 0)
        {
            return stored;
        }
        // A large batch touches more index pages (target, status/expiry) than SQLite's default 2 MiB page cache holds,
        // so pages spill to the WAL mid-transaction and are read back: 100,000 rows took 1.6 s instead of 0.9 s (sqlite3
        // alone, same schema). The bigger cache lasts for this batch only; the daemon's connection keeps the default.
        bool bulk = decisions.Count >= BulkRows;
        if (bulk)
        {
            _store.Execute(BulkCache);
        }
        try
        {
            return InsertRows(decisions, stored, bulk);
        }
        finally
        {
            if (bulk)
            {
                _store.Execute(DefaultCache);
            }
        }
    }

    /// <summary>From this many rows an insert runs with <see cref="BulkCache"/>.</summary>
    private const int BulkRows = 5_000;

    /// <summary>64 MiB of page cache (negative: KiB), allocated only as pages are used.</summary>
    private const string BulkCache = "PRAGMA cache_size=-65536;";

    /// <summary>SQLite's compiled-in default, 2 MiB.</summary>
    private const string DefaultCache = "PRAGMA cache_size=-2000;";

    /// <summary>
    /// Until the returned scope is disposed, commits on this connection do not checkpoint the WAL into the database
    /// file. A 100,000-row commit otherwise copies its 12 MB of pages a second time and syncs both files before it
    /// returns (SQLite's automatic checkpoint runs inside the commit once the WAL passes 1,000 pages), which was a fifth of
    /// a ban import's store write (issue 17). The rows are committed either way (WAL, <c>synchronous=NORMAL</c>): the
    /// checkpoint is deferred to the connection's next commit after the scope, or to its close, not skipped.
    /// </summary>
    public IDisposable DeferCheckpoints()
    {
        _store.Execute("PRAGMA wal_autocheckpoint=0;");
        return new CheckpointDeferral(_store);
    }

    private sealed class CheckpointDeferral(SqliteStore store) : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (!_disposed)
            {
                _disposed = true;
                // The store's usual threshold (4 MB of WAL).
                store.Execute($"PRAGMA wal_autocheckpoint={store.AutoCheckpointPages};");
            }
        }
    }

    private List<Decision> InsertRows(IReadOnlyList<Decision> decisions, List<Decision> stored, bool bulk)
    {
        using var tx = Connection.BeginTransaction();
        long nextId;
        using (var max = Connection.CreateCommand())
        {
            // Inside the write transaction nobody else inserts, and without AUTOINCREMENT SQLite gives max(id)+1, +2, …;
            // giving the ids ourselves saves a RETURNING round trip per row.
            max.Transaction = tx;
            max.CommandText = "SELECT coalesce(max(id), 0) + 1 FROM decisions";
            nextId = (long)max.ExecuteScalar()!;
        }
        // One prepared statement, its columns bound by position on SQLite's own API (SqliteStatement): no managed
        // parameter objects per row. An earlier version sent the rows as one JSON array unpacked by json_each, but each
        // `value ->> n` re-serialised the row's JSON, which made the store the slow half of a 100k-row import (issue 17).
        try
        {
            // A batch at least as large as the table (a first import, a store that was pruned) builds its indexes once,
            // sorted, after the rows: inserting 100,000 keys one by one into three indexes cost a third more than the
            // sort. Same transaction, so a crash or failure leaves the indexes as they were.
            var rebuild = bulk && nextId - 1 <= decisions.Count ? DropIndexes(tx) : [];
            using (var insert = new SqliteStatement(Connection, """
                INSERT INTO decisions (id, target, reason, origin, scenario, created_ms, expires_ms, repeat, status, refusal, refusal_message,
                                       evidence_source, evidence_offset, evidence_first_ms, evidence_events)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)
                """))
            {
                // A batch repeats one reason and origin (an import, a scenario's burst): encoded once, not per row.
                var reason = new Utf8Text();
                var origin = new Utf8Text();
                var scenario = new Utf8Text();
                Span<byte> target = stackalloc byte[BanTarget.MaxUtf8Length];
                foreach (var d in decisions)
                {
                    long id = nextId++;
                    insert.Bind(1, id);
                    // MaxUtf8Length always fits: the target's text, written without an address object or string per row.
                    d.Target.TryFormatUtf8(target, out int targetLength);
                    insert.BindText(2, target[..targetLength]);
                    insert.BindText(3, reason.Of(d.Reason));
                    insert.BindText(4, origin.Of(d.Origin));
                    if (d.Scenario is null)
                    {
                        insert.BindNull(5);
                    }
                    else
                    {
                        insert.BindText(5, scenario.Of(d.Scenario));
                    }
                    insert.Bind(6, d.Created.ToUnixTimeMilliseconds());
                    insert.Bind(7, d.Expires.ToUnixTimeMilliseconds());
                    insert.Bind(8, d.Repeat);
                    insert.Bind(9, (int)d.Status);
                    bool refused = d.Refusal != RefusalReason.None;
                    BindOrNull(insert, 10, refused ? d.Refusal.Name() : null);
                    BindOrNull(insert, 11, refused ? d.RefusalMessage : null);
                    if (d.Evidence is { } e)
                    {
                        insert.Bind(12, e.SourceId);
                        insert.Bind(13, e.Offset);
                        insert.Bind(14, e.First.ToUnixTimeMilliseconds());
                        insert.Bind(15, e.Events);
                    }
                    else
                    {
                        // The statement is reused: clear the previous row's evidence.
                        for (int column = 12; column <= 15; column++)
                        {
                            insert.BindNull(column);
                        }
                    }
                    insert.Execute();
                    stored.Add(d with { Id = id });
                }
            }
            foreach (var sql in rebuild)
            {
                Execute(tx, sql);
            }
            // The commit is where a full disk shows up in WAL mode: it must be a StoreException too.
            tx.Commit();
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot store {decisions.Count} decisions: {e.Message}", e);
        }
        return stored;
    }

    /// <summary>
    /// Drops the decisions table's indexes inside <paramref name="tx"/> and returns the statements that create them again,
    /// as the schema holds them (so whatever a later migration makes of them is rebuilt as it is).
    /// </summary>
    private List<string> DropIndexes(SqliteTransaction tx)
    {
        var indexes = new List<(string Name, string Sql)>();
        using (var cmd = Connection.CreateCommand())
        {
            cmd.Transaction = tx;
            // sql is NULL for the indexes SQLite makes itself (UNIQUE, PRIMARY KEY): those cannot be dropped and stay.
            cmd.CommandText = "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'decisions' AND sql IS NOT NULL";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                indexes.Add((r.GetString(0), r.GetString(1)));
            }
        }
        foreach (var (name, _) in indexes)
        {
            Execute(tx, $"DROP INDEX \"{name.Replace("\"", "\"\"", StringComparison.Ordinal)}\"");
        }
        return [.. indexes.Select(i => i.Sql)];
    }

    private void Execute(SqliteTransaction tx, string sql)
    {
        using var cmd = Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>The UTF-8 bytes of the last text asked for, encoded again only when the text changes.</summary>
    private sealed class Utf8Text
    {
        private string? _text;
        private byte[] _utf8 = [];

        public ReadOnlySpan<byte> Of(string text)
        {
            if (!string.Equals(text, _text, StringComparison.Ordinal))
            {
                _text = text;
                _utf8 = System.Text.Encoding.UTF8.GetBytes(text);
            }
            return _utf8;
        }
    }

    private static void BindOrNull(SqliteStatement statement, int index, string? text)
    {
        if (text is null)
        {
            statement.BindNull(index);
        }
        else
        {
            statement.Bind(index, text);
        }
    }

    /// <summary>Every ban that should be in the kernel at <paramref name="now"/>.</summary>
    public List<Decision> InForce(DateTimeOffset now)
        => Query("WHERE status = 1 AND expires_ms > $now ORDER BY id", ("$now", now.ToUnixTimeMilliseconds()));

    /// <summary>Each target banned at <paramref name="now"/> and its latest expiry: what the kernel should hold, before covered prefixes are folded.</summary>
    public Dictionary<BanTarget, DateTimeOffset> InForceTargets(DateTimeOffset now)
    {
        var targets = new Dictionary<BanTarget, DateTimeOffset>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT target, max(expires_ms) FROM decisions WHERE status = 1 AND expires_ms > $now GROUP BY target";
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (BanTarget.TryParse(r.GetString(0), out var t, 128))
            {
                targets[t] = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1));
            }
        }
        return targets;
    }

    /// <summary>
    /// How many targets are banned at <paramref name="now"/> (<see cref="InForceTargets(DateTimeOffset)"/>'s count), counted
    /// in SQLite: the daemon asks every second for its metrics, and building 100,000 targets to count them cost a
    /// receiver of a fleet burst a large share of a core.
    /// </summary>
    public int CountInForce(DateTimeOffset now)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT count(DISTINCT target) FROM decisions WHERE status = 1 AND expires_ms > $now";
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return Guard("count the bans in force", () => (int)(long)cmd.ExecuteScalar()!);
    }

    /// <summary>Bans in force at <paramref name="now"/>, counted per origin (cli, import, watch, …) and scenario; targets, not decisions.</summary>
    public List<(string Origin, string? Scenario, int Count)> InForceByOrigin(DateTimeOffset now)
    {
        var groups = new List<(string, string?, int)>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = """
            SELECT origin, scenario, count(DISTINCT target) FROM decisions INDEXED BY decisions_status_expires
            WHERE status = 1 AND expires_ms > $now GROUP BY origin, scenario ORDER BY origin, scenario
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            groups.Add((r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.GetInt32(2)));
        }
        return groups;
    }

    /// <summary>
    /// Above this many targets one pass over the table beats probing the index per target. Probes are written
    /// <c>json_each(…) CROSS JOIN decisions</c>: CROSS JOIN fixes the loop order in SQLite, so each target is one
    /// index lookup (with <c>target IN (SELECT … json_each)</c> the planner scanned every ban in force instead).
    /// </summary>
    public const int ProbeLimit = 2000;

    /// <summary>
    /// The in-force state that matters for changing <paramref name="targets"/>: those targets' latest expiries and
    /// every in-force network (prefixes can cover each other in the kernel's interval sets). Index probes for a
    /// handful of targets, so a single ban costs the same with 100 or 100,000 bans in force.
    /// </summary>
    public Dictionary<BanTarget, DateTimeOffset> InForceTargets(DateTimeOffset now, IReadOnlyCollection<BanTarget> targets)
    {
        if (targets.Count > ProbeLimit)
        {
            return InForceTargets(now);
        }
        var result = new Dictionary<BanTarget, DateTimeOffset>();
        ReadTargets(result, """
            SELECT d.target, max(d.expires_ms) FROM json_each($targets) AS j CROSS JOIN decisions AS d INDEXED BY decisions_target ON d.target = j.value
            WHERE d.status = 1 AND d.expires_ms > $now GROUP BY d.target
            """, now, targets);
        ReadTargets(result, """
            SELECT target, max(expires_ms) FROM decisions INDEXED BY decisions_networks
            WHERE status = 1 AND instr(target, '/') > 0 AND expires_ms > $now GROUP BY target
            """, now, null);
        return result;
    }

    private void ReadTargets(Dictionary<BanTarget, DateTimeOffset> into, string sql, DateTimeOffset now, IReadOnlyCollection<BanTarget>? targets)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        if (targets is not null)
        {
            cmd.Parameters.AddWithValue("$targets", TargetsJson(targets));
        }
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (BanTarget.TryParse(r.GetString(0), out var t, 128))
            {
                into[t] = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(1));
            }
        }
    }

    private static string TargetsJson(IEnumerable<BanTarget> targets)
        => System.Text.Json.JsonSerializer.Serialize(targets.Select(t => t.ToString()).ToArray(), StoreJson.Default.StringArray);

    /// <summary>Decisions for listing: in force by default; with <paramref name="all"/> also expired, revoked and refused ones (newest first, at most <paramref name="limit"/>).</summary>
    public List<Decision> List(DateTimeOffset now, bool all, int limit)
        => all
            ? Query("ORDER BY id DESC LIMIT $limit", ("$limit", limit))
            : Query("WHERE status = 1 AND expires_ms > $now ORDER BY id LIMIT $limit", ("$now", now.ToUnixTimeMilliseconds()), ("$limit", limit));

    /// <summary>
    /// How many earlier offences each of <paramref name="targets"/> had since <paramref name="since"/> (for escalation).
    /// Targets never banned are absent. An offence is an accepted ban that has expired by <paramref name="now"/> and was
    /// not revoked — an admin who lifts a ban says it was a mistake, so it must not lengthen the next one (issue 16) — and
    /// was not made while another ban of the same target was in force: a ban still in force, or a
    /// re-ban of a peer that was banned at the time (a restarted daemon re-reading its evidence), is the same offence,
    /// so restarts never escalate 1h to 4h to 16h (issue 17, item 6).
    /// </summary>
    public Dictionary<BanTarget, int> PriorBans(DateTimeOffset since, IReadOnlyCollection<BanTarget> targets, DateTimeOffset now)
    {
        var counts = new Dictionary<BanTarget, int>();
        using var cmd = Connection.CreateCommand();
        bool probe = targets.Count <= ProbeLimit;
        const string Offence = """
            d.status = 1 AND d.created_ms >= $since AND d.expires_ms <= $now
            AND NOT EXISTS (SELECT 1 FROM decisions AS e INDEXED BY decisions_target
                            WHERE e.target = d.target AND e.status IN (1, 3)
                              AND (e.created_ms < d.created_ms OR (e.created_ms = d.created_ms AND e.id < d.id)) AND coalesce(e.revoked_ms, e.expires_ms) > d.created_ms)
            """;
        cmd.CommandText = probe
            ? $"SELECT d.target, count(*) FROM json_each($targets) AS j CROSS JOIN decisions AS d INDEXED BY decisions_target ON d.target = j.value WHERE {Offence} GROUP BY d.target"
            : $"SELECT d.target, count(*) FROM decisions AS d WHERE {Offence} GROUP BY d.target";
        cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        if (probe)
        {
            cmd.Parameters.AddWithValue("$targets", TargetsJson(targets));
        }
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            if (BanTarget.TryParse(r.GetString(0), out var t, 128))
            {
                counts[t] = r.GetInt32(1);
            }
        }
        return counts;
    }

    /// <summary>Creation times of accepted bans since <paramref name="since"/>, to seed the rate cap.</summary>
    public List<DateTimeOffset> BanTimesSince(DateTimeOffset since)
    {
        var times = new List<DateTimeOffset>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT created_ms FROM decisions WHERE status IN (1, 3) AND created_ms >= $since";
        cmd.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            times.Add(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)));
        }
        return times;
    }

    /// <summary>Revokes the bans in force on exactly these targets; returns how many decisions were revoked. One statement, one pass over the table, however many targets.</summary>
    public int Revoke(IReadOnlyCollection<BanTarget> targets, DateTimeOffset now, string by = "cli")
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = """
            UPDATE decisions SET status = 3, revoked_ms = $now, revoked_by = $by
            WHERE id IN (SELECT d.id FROM json_each($targets) AS j CROSS JOIN decisions AS d INDEXED BY decisions_target ON d.target = j.value
                         WHERE d.status = 1 AND d.expires_ms > $now)
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$targets", TargetsJson(targets));
        cmd.Parameters.AddWithValue("$by", by);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>Revokes every ban in force; returns how many.</summary>
    public int RevokeAll(DateTimeOffset now, string by = "cli")
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "UPDATE decisions SET status = 3, revoked_ms = $now, revoked_by = $by WHERE status = 1 AND expires_ms > $now";
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$by", by);
        return cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Revokes the bans in force that a scenario or an origin decided (either filter may be null, not both); returns how
    /// many. Other bans of the same targets stay: the caller reconciles the kernel with what remains.
    /// </summary>
    public int RevokeMatching(string? scenario, string? origin, DateTimeOffset now, string by)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = """
            UPDATE decisions SET status = 3, revoked_ms = $now, revoked_by = $by
            WHERE status = 1 AND expires_ms > $now AND ($scenario IS NULL OR scenario = $scenario) AND ($origin IS NULL OR origin = $origin)
            """;
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$by", by);
        cmd.Parameters.AddWithValue("$scenario", (object?)scenario ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$origin", (object?)origin ?? DBNull.Value);
        return Guard("revoke bans", cmd.ExecuteNonQuery);
    }

    /// <summary>
    /// A re-ban of a target already banned: the newest ban in force on exactly <paramref name="target"/> is extended to
    /// <paramref name="expires"/> (never shortened) and counted as a renewal, instead of a second active row. Returns the
    /// extended decision, or null when no ban is in force on the target (then the caller inserts).
    /// </summary>
    public Decision? Renew(BanTarget target, DateTimeOffset expires, DateTimeOffset now)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = """
            UPDATE decisions SET expires_ms = max(expires_ms, $expires), renewals = renewals + 1, renewed_ms = $now
            WHERE id = (SELECT id FROM decisions INDEXED BY decisions_target WHERE target = $target AND status = 1 AND expires_ms > $now ORDER BY id DESC LIMIT 1)
            RETURNING id
            """;
        cmd.Parameters.AddWithValue("$target", target.ToString());
        cmd.Parameters.AddWithValue("$expires", expires.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        var id = Guard("renew a ban", cmd.ExecuteScalar);
        return id is long v ? Query("WHERE id = $id", ("$id", v)).Single() : null;
    }

    /// <summary>
    /// Decisions matching <paramref name="filter"/>, newest first, at most <paramref name="limit"/>. An address filter
    /// matches the decisions on that exact host and on every network that contains it.
    /// </summary>
    public List<Decision> List(DecisionFilter filter, DateTimeOffset now, int limit)
    {
        var where = new List<string>();
        var parameters = new List<(string, object)>();
        if (filter.Active)
        {
            where.Add("status = 1 AND expires_ms > $now");
            parameters.Add(("$now", now.ToUnixTimeMilliseconds()));
        }
        if (filter.Scenario is { } scenario)
        {
            where.Add("scenario = $scenario");
            parameters.Add(("$scenario", scenario));
        }
        if (filter.Origin is { } origin)
        {
            where.Add("origin = $origin");
            parameters.Add(("$origin", origin));
        }
        if (filter.Since is { } since)
        {
            where.Add("created_ms >= $since");
            parameters.Add(("$since", since.ToUnixTimeMilliseconds()));
        }
        if (filter.BeforeId is { } before)
        {
            where.Add("id < $before");
            parameters.Add(("$before", before));
        }
        if (filter.Address is { } address)
        {
            // The host itself by index; networks (few) are checked for containment below.
            where.Add("(target = $host OR instr(target, '/') > 0)");
            parameters.Add(("$host", new BanTarget(address, address.IsV4 ? 32 : 128).ToString()));
        }
        string sql = (where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "") + " ORDER BY id DESC";
        if (filter.Address is null)
        {
            // Without the containment check every row read is shown: the limit goes to SQLite, so a page of a store of
            // 100,000 bans reads one page of rows (the dashboard's bans page, `bans list --limit`).
            sql += " LIMIT $limit";
            parameters.Add(("$limit", (long)Math.Max(0, limit)));
        }
        var rows = Query(sql, [.. parameters]);
        if (filter.Address is { } a)
        {
            rows = [.. rows.Where(d => d.Target.Contains(a))];
        }
        return [.. rows.Take(limit)];
    }

    /// <summary>
    /// Records that process <paramref name="pid"/> is about to change store and kernel (<paramref name="verb"/>: ban,
    /// unban, flush); returns the intent's id for <see cref="EndIntent"/>. Cheap: one small row in WAL mode.
    /// </summary>
    public long BeginIntent(string verb, int pid, DateTimeOffset now)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "INSERT INTO ban_intents (pid, verb, started_ms) VALUES ($pid, $verb, $now) RETURNING id";
        cmd.Parameters.AddWithValue("$pid", pid);
        cmd.Parameters.AddWithValue("$verb", verb);
        cmd.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
        return Guard("record a ban intent", () => (long)cmd.ExecuteScalar()!);
    }

    /// <summary>The operation of <paramref name="ids"/> completed (or was completed by a reconcile): forget it.</summary>
    public void EndIntents(IEnumerable<long> ids)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "DELETE FROM ban_intents WHERE id IN (SELECT value FROM json_each($ids))";
        cmd.Parameters.AddWithValue("$ids", "[" + string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]");
        Guard("clear ban intents", cmd.ExecuteNonQuery);
    }

    /// <summary>The operation of <paramref name="id"/> completed: forget it.</summary>
    public void EndIntent(long id) => EndIntents([id]);

    /// <summary>Every recorded intent: (id, pid). Those whose process is gone are crashes to recover from.</summary>
    public List<(long Id, int Pid)> Intents()
    {
        var list = new List<(long, int)>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT id, pid FROM ban_intents ORDER BY id";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            list.Add((r.GetInt64(0), r.GetInt32(1)));
        }
        return list;
    }

    /// <summary>Decisions stored after id <paramref name="afterId"/>, oldest first, at most <paramref name="limit"/>: what a follower of the table (the fleet's outbox) has not seen yet.</summary>
    public List<Decision> After(long afterId, int limit)
        => Guard("read new decisions", () => Query("WHERE id > $id ORDER BY id LIMIT $limit", ("$id", afterId), ("$limit", limit)));

    /// <summary>
    /// The same, leaving out decisions whose origin starts with <paramref name="skipOrigin"/>: the fleet's outbox never
    /// publishes received bans (<c>fleet:*</c>), and a receiver of a 100,000-ban burst would otherwise read and build
    /// every one of them only to drop it. The rows are still passed over in SQLite's id order, without being materialised.
    /// </summary>
    public List<Decision> After(long afterId, int limit, string skipOrigin)
        => Guard("read new decisions", () => Query("WHERE id > $id AND substr(origin, 1, length($skip)) <> $skip ORDER BY id LIMIT $limit",
            ("$id", afterId), ("$skip", skipOrigin), ("$limit", limit)));

    /// <summary>
    /// Decisions up to id <paramref name="upToId"/> still unexpired at <paramref name="now"/> that were renewed or revoked
    /// after <paramref name="since"/>: the changes a follower that read up to that id would otherwise miss.
    /// </summary>
    public List<Decision> ChangedSince(long upToId, DateTimeOffset since, DateTimeOffset now)
        => Guard("read changed decisions", () => Query(
            "WHERE id <= $id AND status IN (1, 3) AND expires_ms > $now AND (renewed_ms > $since OR revoked_ms > $since) ORDER BY id",
            ("$id", upToId), ("$now", now.ToUnixTimeMilliseconds()), ("$since", since.ToUnixTimeMilliseconds())));

    /// <summary>The newest decision's id, 0 when none is stored.</summary>
    public long LastId()
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT coalesce(max(id), 0) FROM decisions";
        return Guard("read the last decision id", () => (long)cmd.ExecuteScalar()!);
    }

    private static T Guard<T>(string what, Func<T> work)
    {
        try
        {
            return work();
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot {what}: {e.Message}", e);
        }
    }

    private List<Decision> Query(string where, params (string Name, object Value)[] parameters)
    {
        var list = new List<Decision>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "SELECT id, target, reason, origin, scenario, created_ms, expires_ms, repeat, status, refusal, refusal_message, revoked_ms, " +
            "revoked_by, evidence_source, evidence_offset, evidence_first_ms, evidence_events, renewals, renewed_ms FROM decisions " + where;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            // Targets are written canonical, so /128 hosts come back as hosts and /64s keep their prefix.
            if (!BanTarget.TryParse(r.GetString(1), out var target, 128))
            {
                throw new StoreException(string.Create(CultureInfo.InvariantCulture, $"decision {r.GetInt64(0)} has an unreadable target '{r.GetString(1)}'"));
            }
            list.Add(new Decision
            {
                Id = r.GetInt64(0),
                Target = target,
                Reason = r.GetString(2),
                Origin = r.GetString(3),
                Scenario = r.IsDBNull(4) ? null : r.GetString(4),
                Created = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(5)),
                Expires = DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(6)),
                Repeat = r.GetInt32(7),
                Status = (DecisionStatus)r.GetInt32(8),
                Refusal = r.IsDBNull(9) ? RefusalReason.None : RefusalReasons.Parse(r.GetString(9)),
                RefusalMessage = r.IsDBNull(10) ? "" : r.GetString(10),
                Revoked = r.IsDBNull(11) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(11)),
                RevokedBy = r.IsDBNull(12) ? null : r.GetString(12),
                Evidence = r.IsDBNull(13) ? null : new DecisionEvidence(r.GetInt32(13), r.GetInt64(14), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(15)), r.GetInt32(16)),
                Renewals = r.GetInt32(17),
                Renewed = r.IsDBNull(18) ? null : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(18)),
            });
        }
        return list;
    }
}
