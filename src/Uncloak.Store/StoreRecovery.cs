using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Uncloak.Store;

/// <summary>
/// The way out of a damaged store (<c>uncloak store recover</c>): every table the current schema knows is copied row by
/// row into a fresh file, as far as its pages can be read, then the fresh file takes the store's name and the damaged
/// one is kept beside it (<c>PATH.damaged-YYYYMMDDTHHMMSSZ</c>, with its -wal and -shm). A table whose pages break
/// mid-way is read again from its other end, so only the rows on the broken pages are lost.
/// </summary>
public static class StoreRecovery
{
    /// <summary>What one table gave back.</summary>
    public sealed record TableResult(string Table, long Rows, bool Damaged);

    /// <summary>The outcome: per table, where the damaged file was kept, and the new file's own check.</summary>
    public sealed record Result(IReadOnlyList<TableResult> Tables, string KeptAs, IReadOnlyList<string> CheckAfter);

    /// <summary>
    /// Salvages <paramref name="path"/>. Throws <see cref="StoreException"/> when the file cannot be opened at all or the
    /// new file cannot be written (disk full): then nothing was renamed and the damaged store is where it was.
    /// </summary>
    public static Result Recover(string path, DateTimeOffset now)
    {
        if (!File.Exists(path))
        {
            throw new StoreException($"there is no store at {path}");
        }
        string fresh = path + ".recovering";
        foreach (var leftover in Companions(fresh))
        {
            File.Delete(leftover);
        }
        var tables = new List<TableResult>();
        using (var target = SqliteStore.Open(fresh, check: true))
        {
            // Rows of a child table may outlive their parent's broken page: keep them rather than refuse them.
            target.Execute("PRAGMA foreign_keys=OFF;");
            var damaged = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            try
            {
                damaged.Open();
                foreach (var table in TablesOf(target.Connection))
                {
                    tables.Add(Copy(damaged, target.Connection, table));
                }
            }
            catch (SqliteException e) when (e.SqliteErrorCode is not SqliteStore.SqliteCorrupt and not SqliteStore.SqliteNotADatabase)
            {
                throw new StoreException($"cannot salvage {path} into {fresh}: {e.Message}", e);
            }
            finally
            {
                damaged.Dispose();
                SqliteConnection.ClearAllPools();
            }
            target.Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        string kept = path + ".damaged-" + now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        foreach (var (from, suffix) in new[] { (path, ""), (path + "-wal", "-wal"), (path + "-shm", "-shm") })
        {
            if (File.Exists(from))
            {
                File.Move(from, kept + suffix);
            }
        }
        File.Move(fresh, path);
        foreach (var leftover in Companions(fresh))
        {
            File.Delete(leftover);
        }
        using var check = SqliteStore.Open(path, check: false);
        return new Result(tables, kept, check.QuickCheck(10));
    }

    /// <summary>
    /// SQLite's full integrity check of the file at <paramref name="path"/>, read only and without migrating: empty when
    /// sound, otherwise up to <paramref name="limit"/> problems in SQLite's words. Throws <see cref="StoreException"/>
    /// when the file cannot be opened at all.
    /// </summary>
    public static List<string> Check(string path, int limit)
    {
        if (!File.Exists(path))
        {
            throw new StoreException($"there is no store at {path}");
        }
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            var problems = new List<string>();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA integrity_check({Math.Max(1, limit)})");
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                if (r.GetString(0) is var line && line != "ok")
                {
                    problems.Add(line);
                }
            }
            return problems;
        }
        catch (SqliteException e) when (e.SqliteErrorCode is SqliteStore.SqliteCorrupt or SqliteStore.SqliteNotADatabase)
        {
            return [e.Message];
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot check the store at {path}: {e.Message}", e);
        }
    }

    private static IEnumerable<string> Companions(string path) => new[] { path, path + "-wal", path + "-shm" }.Where(File.Exists);

    /// <summary>The tables of the current schema (the fresh file), SQLite's own excluded.</summary>
    private static List<string> TablesOf(SqliteConnection connection)
    {
        var names = new List<string>();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rootpage";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }
        return names;
    }

    private static List<string> Columns(SqliteConnection connection, string table)
    {
        var columns = new List<string>();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM pragma_table_info($t) ORDER BY cid";
        cmd.Parameters.AddWithValue("$t", table);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            columns.Add(r.GetString(0));
        }
        return columns;
    }

    /// <summary>The primary key columns in key order, or rowid for an ordinary table.</summary>
    private static List<string> KeyOf(SqliteConnection connection, string table)
    {
        var key = new SortedList<int, string>();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name, pk FROM pragma_table_info($t) WHERE pk > 0";
        cmd.Parameters.AddWithValue("$t", table);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            key.Add(r.GetInt32(1), r.GetString(0));
        }
        return key.Count > 0 ? [.. key.Values] : ["rowid"];
    }

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static TableResult Copy(SqliteConnection from, SqliteConnection into, string table)
    {
        // Only columns both files have: a damaged store of an older schema version still gives its rows.
        var columns = Columns(into, table).Intersect(Columns(from, table)).ToList();
        if (columns.Count == 0)
        {
            return new TableResult(table, 0, Damaged: true);
        }
        string list = string.Join(", ", columns.Select(Quote));
        string order = string.Join(", ", KeyOf(from, table).Select(Quote));
        using var tx = into.BeginTransaction();
        using var insert = into.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = $"INSERT OR IGNORE INTO {Quote(table)} ({list}) VALUES ({string.Join(", ", columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        // No declared type: each value binds as what it is (integer, text, blob, null), as it was stored.
        var parameters = columns.Select((_, i) => insert.Parameters.AddWithValue("$p" + i.ToString(CultureInfo.InvariantCulture), DBNull.Value)).ToArray();
        long rows = 0;
        bool broken = false;
        // Forward until a broken page stops the scan, then backward from the other end until the same: the rows on the
        // broken pages are all that is lost. INSERT OR IGNORE drops what both directions read.
        foreach (string direction in new[] { "ASC", "DESC" })
        {
            using var select = from.CreateCommand();
            select.CommandText = $"SELECT {list} FROM {Quote(table)} ORDER BY {string.Join(", ", order.Split(", ").Select(c => c + " " + direction))}";
            try
            {
                using var r = select.ExecuteReader();
                while (r.Read())
                {
                    for (int i = 0; i < parameters.Length; i++)
                    {
                        parameters[i].Value = r.GetValue(i);
                    }
                    rows += insert.ExecuteNonQuery();
                }
                if (!broken)
                {
                    break; // read whole in one pass
                }
            }
            catch (SqliteException e) when (e.SqliteErrorCode is SqliteStore.SqliteCorrupt or SqliteStore.SqliteNotADatabase)
            {
                broken = true;
            }
        }
        tx.Commit();
        return new TableResult(table, rows, broken);
    }
}
