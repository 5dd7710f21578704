using Microsoft.Data.Sqlite;
using Uncloak.Core.Forensics;

namespace Uncloak.Store.Watch;

/// <summary>
/// Vantage probe results (table <c>vantage_probes</c>): every round of every probe's gateway, upstream and self probes,
/// with latency and failure class, so an outage's evidence can be read back after the fact. Not thread-safe: the
/// daemon's engine thread owns it.
/// </summary>
public sealed class VantageStore
{
    private static readonly string[] InsertNames = ["$p", "$t", "$v", "$g", "$o", "$f", "$l"];

    private readonly SqliteStore _store;

    public VantageStore(SqliteStore store) => _store = store;

    /// <summary>Stores one round of <paramref name="probe"/>'s vantage results in one transaction.</summary>
    public void Add(string probe, IReadOnlyList<VantageProbe> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var tx = _store.Connection.BeginTransaction();
        using var insert = _store.Connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = """
            INSERT INTO vantage_probes(probe, time_ms, vantage, target, ok, failure, latency_us)
            VALUES ($p, $t, $v, $g, $o, $f, $l)
            """;
        // No declared type: each value binds as what it is (an INTEGER stays an INTEGER for the time range queries).
        var ps = InsertNames.Select(n => insert.Parameters.AddWithValue(n, DBNull.Value)).ToArray();
        foreach (var r in results)
        {
            ps[0].Value = probe;
            ps[1].Value = new DateTimeOffset(r.Time).ToUnixTimeMilliseconds();
            ps[2].Value = r.Vantage.ToString().ToLowerInvariant();
            ps[3].Value = r.Target;
            ps[4].Value = r.Ok ? 1 : 0;
            ps[5].Value = r.Failure;
            ps[6].Value = (long)(r.Latency.Ticks / 10);
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Results from <paramref name="from"/> to <paramref name="to"/> (inclusive), oldest first; all probes when <paramref name="probe"/> is null.</summary>
    public IReadOnlyList<VantageProbe> Between(DateTime from, DateTime to, string? probe = null)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = """
            SELECT time_ms, vantage, target, ok, failure, latency_us FROM vantage_probes
            WHERE time_ms BETWEEN $from AND $to AND ($probe IS NULL OR probe = $probe) ORDER BY time_ms, id
            """;
        cmd.Parameters.AddWithValue("$from", new DateTimeOffset(from).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$to", new DateTimeOffset(to).ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$probe", (object?)probe ?? DBNull.Value);
        using var r = cmd.ExecuteReader();
        var list = new List<VantageProbe>();
        while (r.Read())
        {
            // A row this version cannot name (written by a newer one) is skipped, not fatal.
            if (Enum.TryParse<Vantage>(r.GetString(1), ignoreCase: true, out var vantage) && Enum.IsDefined(vantage))
            {
                list.Add(new VantageProbe(DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(0)).UtcDateTime, vantage, r.GetString(2),
                    r.GetInt64(3) != 0, r.GetString(4), TimeSpan.FromTicks(r.GetInt64(5) * 10)));
            }
        }
        return list;
    }

    /// <summary>Deletes results older than <paramref name="before"/>; returns how many.</summary>
    public long Prune(DateTime before)
    {
        using var cmd = _store.Connection.CreateCommand();
        cmd.CommandText = "DELETE FROM vantage_probes WHERE time_ms < $cutoff";
        cmd.Parameters.AddWithValue("$cutoff", new DateTimeOffset(before).ToUnixTimeMilliseconds());
        return cmd.ExecuteNonQuery();
    }
}
