using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Uncloak.Store.Events;

/// <summary>
/// Sources by identity (a hash of their first bytes), so re-reading a file — or its rotated copy — resumes
/// after what is stored instead of storing it twice.
/// </summary>
public static class SourceRegistry
{
    public static SourceRecord Register(SqliteStore store, byte[] identity, string path, string format)
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var insert = store.Connection.CreateCommand())
        {
            insert.CommandText = """
                INSERT INTO sources(identity, path, format, first_seen, last_seen) VALUES ($identity, $path, $format, $now, $now)
                ON CONFLICT(identity) DO UPDATE SET path = excluded.path, last_seen = excluded.last_seen
                """;
            insert.Parameters.AddWithValue("$identity", identity);
            insert.Parameters.AddWithValue("$path", path);
            insert.Parameters.AddWithValue("$format", format);
            insert.Parameters.AddWithValue("$now", now);
            try
            {
                insert.ExecuteNonQuery();
            }
            catch (SqliteException e)
            {
                // Disk full or read-only: an environment failure the caller reports, not a crash.
                throw new StoreException($"cannot register {path} in the store: {e.Message}", e);
            }
        }
        using var select = store.Connection.CreateCommand();
        select.CommandText = "SELECT id, path, format, bytes_done, lines, malformed FROM sources WHERE identity = $identity";
        select.Parameters.AddWithValue("$identity", identity);
        using var r = select.ExecuteReader();
        r.Read();
        return new SourceRecord(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5));
    }

    /// <summary>Records how far a read got. Never moves backwards: a shorter re-read leaves the mark where it was.</summary>
    public static void Complete(SqliteStore store, int sourceId, long bytes, long lines, long malformed)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = """
            UPDATE sources SET
                lines = CASE WHEN $bytes >= bytes_done THEN $lines ELSE lines END,
                malformed = CASE WHEN $bytes >= bytes_done THEN $malformed ELSE malformed END,
                bytes_done = MAX(bytes_done, $bytes)
            WHERE id = $id
            """;
        cmd.Parameters.AddWithValue("$bytes", bytes);
        cmd.Parameters.AddWithValue("$lines", lines);
        cmd.Parameters.AddWithValue("$malformed", malformed);
        cmd.Parameters.AddWithValue("$id", sourceId);
        cmd.ExecuteNonQuery();
    }

    public static IReadOnlyList<SourceRecord> All(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT id, path, format, bytes_done, lines, malformed FROM sources ORDER BY id";
        using var r = cmd.ExecuteReader();
        var list = new List<SourceRecord>();
        while (r.Read())
        {
            list.Add(new SourceRecord(r.GetInt32(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5)));
        }
        return list;
    }

    internal static string Invariant(long v) => v.ToString(CultureInfo.InvariantCulture);
}
