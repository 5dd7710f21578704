using Microsoft.Data.Sqlite;

namespace Uncloak.Store;

/// <summary>
/// The embedded store: one SQLite file in WAL mode, schema brought up to date on open. The store is the
/// source of truth for decisions and keeps every event a user may ask about. Not thread-safe: one
/// instance per thread (SQLite itself serialises writers across connections and processes).
/// </summary>
public sealed class SqliteStore : IDisposable
{
    private SqliteStore(SqliteConnection connection, string path)
    {
        Connection = connection;
        Path = path;
    }

    public SqliteConnection Connection { get; }

    public string Path { get; }

    /// <summary>Where the store lives when --db is not given: /var/lib/uncloak as root, the user's data dir otherwise.</summary>
    public static string DefaultPath()
    {
        if (Environment.IsPrivilegedProcess)
        {
            return "/var/lib/uncloak/uncloak.db";
        }
        var data = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(data))
        {
            data = System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }
        return System.IO.Path.Combine(data, "uncloak", "uncloak.db");
    }

    /// <summary>Opens (creating the file and its folder if needed) and migrates. Throws <see cref="StoreException"/> with a readable message when the file cannot be used.</summary>
    public static SqliteStore Open(string path)
    {
        try
        {
            var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir))
            {
                Directory.CreateDirectory(dir);
            }
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = path,
                Mode = SqliteOpenMode.ReadWriteCreate,
                Pooling = false,
            }.ToString());
            connection.Open();
            var store = new SqliteStore(connection, path);
            store.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000;");
            store.Migrate();
            return store;
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot use the store at {path}: {e.Message}", e);
        }
    }

    public int SchemaVersion()
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "PRAGMA user_version";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private void Migrate()
    {
        int current = SchemaVersion();
        foreach (var m in Migrations.All.Where(m => m.Version > current).OrderBy(m => m.Version))
        {
            using var tx = Connection.BeginTransaction();
            using (var cmd = Connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = m.Sql + $"\nPRAGMA user_version = {m.Version};";
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    public void Execute(string sql)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose() => Connection.Dispose();
}
