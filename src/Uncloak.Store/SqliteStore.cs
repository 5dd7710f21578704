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

    /// <summary>
    /// Opens (creating the file and its folder if needed), checks the file's integrity (<c>PRAGMA quick_check</c>) and
    /// migrates. Throws <see cref="StoreException"/> with a readable message when the file cannot be used; a damaged
    /// file is refused with <see cref="StoreException.Damaged"/> set, before anything reads or writes it (issue 17,
    /// item 8: every command ended in an unhandled SQLite Error 11, and <c>bans add</c> wrote into the damaged file).
    /// </summary>
    public static SqliteStore Open(string path) => Open(path, check: true);

    /// <summary>The page size of a store created by this build.</summary>
    public const int PageSize = 16384;

    /// <summary>
    /// The WAL size, in this store's pages, at which a commit checkpoints: SQLite's default of 1,000 pages was 4 MB with
    /// the 4 KiB pages of stores made before <see cref="PageSize"/>; kept at 4 MB whatever the page size.
    /// </summary>
    public int AutoCheckpointPages { get; private set; } = 1000;

    /// <summary>Opens; <paramref name="check"/> false skips the integrity check (only <see cref="StoreRecovery"/> reads a damaged file).</summary>
    internal static SqliteStore Open(string path, bool check)
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
            try
            {
                store.Execute("PRAGMA busy_timeout=5000;");
                if (check && store.QuickCheck(1) is [var problem, ..])
                {
                    throw Damage(path, problem, null);
                }
                // A new store gets 16 KiB pages (SQLite's default is 4 KiB): a dense log's bulk load then writes a
                // quarter of the WAL frames and pages and splits a quarter as often (≈ 30 % less SQLite CPU for its
                // events rows, measured with the sqlite3 shell, issue 18 item 6), and rows with a run's encoded lines
                // fit in one page. Only an empty file takes it (the page size of a WAL database is fixed once created):
                // stores made before keep theirs.
                store.Execute($"PRAGMA page_size={PageSize}; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
                store.AutoCheckpointPages = (int)Math.Max(1, 4_096_000 / store.PragmaInt("page_size"));
                store.Execute($"PRAGMA wal_autocheckpoint={store.AutoCheckpointPages};");
                store.Migrate();
                return store;
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }
        catch (SqliteException e) when (check && e.SqliteErrorCode is SqliteCorrupt or SqliteNotADatabase)
        {
            throw Damage(path, e.Message, e);
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"cannot use the store at {path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// A second, read-only connection to a store this process already opened with <see cref="Open(string)"/> (checked and
    /// migrated): no integrity check, no migration, <c>PRAGMA query_only</c>. The daemon's web side reads through one so
    /// its queries never wait for the engine's connection, nor could write beside it (WAL: readers do not block the writer).
    /// Throws <see cref="StoreException"/> when the file cannot be opened.
    /// </summary>
    public static SqliteStore OpenReader(string path)
    {
        try
        {
            var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
            connection.Open();
            var store = new SqliteStore(connection, path);
            store.Execute("PRAGMA busy_timeout=5000; PRAGMA query_only=ON;");
            return store;
        }
        catch (SqliteException e)
        {
            throw new StoreException($"cannot read the store at {path}: {e.Message}", e);
        }
    }

    /// <summary>SQLITE_CORRUPT: a page or index does not hold what it should.</summary>
    internal const int SqliteCorrupt = 11;

    /// <summary>SQLITE_NOTADB: the header is not SQLite's.</summary>
    internal const int SqliteNotADatabase = 26;

    private static StoreException Damage(string path, string problem, Exception? inner)
    {
        string message = $"the store at {path} is damaged ({problem.TrimEnd('.')}); nothing was read from it or written to it. " +
            $"'uncloak store check --db {path}' lists the damage; 'uncloak store recover --db {path}' salvages what is readable into a new file " +
            "and keeps the damaged one beside it. Bans already in the kernel stay in force meanwhile (each ends by its own timeout).";
        return inner is null ? new StoreException(message) { Damaged = true } : new StoreException(message, inner) { Damaged = true };
    }

    /// <summary>
    /// SQLite's quick check (pages, records, no index-to-table cross check): empty when the file is sound, otherwise up
    /// to <paramref name="limit"/> problems in SQLite's words. Reads every page, so it costs about one sequential read of
    /// the file.
    /// </summary>
    public List<string> QuickCheck(int limit) => Check("quick_check", limit);

    private List<string> Check(string pragma, int limit)
    {
        var problems = new List<string>();
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA {pragma}({Math.Max(1, limit)})");
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            string line = r.GetString(0);
            if (line != "ok")
            {
                problems.Add(line);
            }
        }
        return problems;
    }

    public int SchemaVersion() => PragmaInt("user_version");

    private int PragmaInt(string pragma)
    {
        using var cmd = Connection.CreateCommand();
        cmd.CommandText = "PRAGMA " + pragma;
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
                foreach (var column in m.Columns ?? [])
                {
                    cmd.CommandText = $"SELECT count(*) FROM pragma_table_info('{column.Table}') WHERE name = '{column.Name}'";
                    if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                    {
                        cmd.CommandText = $"ALTER TABLE {column.Table} ADD COLUMN {column.Name} {column.Definition}";
                        cmd.ExecuteNonQuery();
                    }
                }
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
