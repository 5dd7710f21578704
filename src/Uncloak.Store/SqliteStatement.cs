using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Uncloak.Store;

/// <summary>
/// A prepared statement on SQLite's own API, for the store's bulk inserts. Through ADO.NET every row paid for boxed
/// parameter values, a byte array per blob and parameter lookup by name (SQLite finds a name by a linear scan: a
/// batched 256-parameter insert spent more time in strncmp than in its B-tree). Here columns are bound by position
/// from spans, without allocating. Runs inside whatever transaction the connection has open.
/// </summary>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the store connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public void Bind(int index, long value) => raw.sqlite3_bind_int64(_stmt, index, value);

    /// <summary>Binds a blob; an empty span is a zero-length blob, not NULL.</summary>
    public void Bind(int index, ReadOnlySpan<byte> blob)
    {
        if (blob.IsEmpty)
        {
            raw.sqlite3_bind_zeroblob(_stmt, index, 0);
        }
        else
        {
            raw.sqlite3_bind_blob(_stmt, index, blob);
        }
    }

    public void BindNull(int index) => raw.sqlite3_bind_null(_stmt, index);

    /// <summary>Binds text already encoded as UTF-8 (SQLite copies it: the span may be reused for the next row).</summary>
    public void BindText(int index, ReadOnlySpan<byte> utf8) => raw.sqlite3_bind_text(_stmt, index, utf8);

    [SkipLocalsInit] // only the bytes encoded are bound
    public void Bind(int index, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = max <= 4096 ? stackalloc byte[max] : new byte[max];
        raw.sqlite3_bind_text(_stmt, index, utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
    }

    /// <summary>Runs the statement once with the bound values and makes it ready for the next row.</summary>
    public void Execute()
    {
        int rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
        {
            Check(rc);
        }
    }

    /// <summary>Like <see cref="Execute"/>, and returns the rows it changed (0 for an <c>INSERT OR IGNORE</c> that ignored).</summary>
    public int ExecuteChanges()
    {
        Execute();
        return raw.sqlite3_changes(_db);
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            throw new SqliteException($"SQLite Error {rc}: '{raw.sqlite3_errmsg(_db).utf8_to_string()}'.", rc);
        }
    }

    public void Dispose() => _stmt.Dispose();
}
