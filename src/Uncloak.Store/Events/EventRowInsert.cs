using System.Text;
using Microsoft.Data.Sqlite;
using SQLitePCL;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The event-row insert on SQLite's own statement API. Hot path of <c>analyze</c>: through ADO.NET every row paid for
/// boxed parameter values, two blob arrays, and parameter lookup by name (SQLite finds a name by a linear scan, so the
/// batched 256-parameter statement spent more time in strncmp than in the B-tree). Here columns are bound by index from
/// stack buffers: no allocation per row.
/// </summary>
internal sealed class EventRowInsert : IDisposable
{
    private const string Sql = "INSERT OR IGNORE INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public EventRowInsert(SqliteConnection connection)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("the store connection is not open");
        Check(raw.sqlite3_prepare_v2(_db, Sql, out _stmt));
    }

    public void Insert(in NetEvent ev, string? text)
    {
        Span<byte> address = stackalloc byte[16];
        Span<byte> body = stackalloc byte[EventPacking.MaxLength];
        raw.sqlite3_bind_int(_stmt, 1, ev.Position.SourceId);
        raw.sqlite3_bind_int64(_stmt, 2, ev.Position.Offset);
        if (ev.HasTime)
        {
            raw.sqlite3_bind_int64(_stmt, 3, new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds());
        }
        else
        {
            raw.sqlite3_bind_null(_stmt, 3);
        }
        raw.sqlite3_bind_int(_stmt, 4, (int)ev.Kind);
        if (ev.Peer.IsNone)
        {
            raw.sqlite3_bind_null(_stmt, 5);
        }
        else
        {
            ev.Peer.WriteBytes(address);
            raw.sqlite3_bind_blob(_stmt, 5, address);
        }
        raw.sqlite3_bind_int(_stmt, 6, ev.LocalPort);
        raw.sqlite3_bind_blob(_stmt, 7, body[..EventPacking.Pack(ev, body)]);
        if (text is null)
        {
            raw.sqlite3_bind_null(_stmt, 8);
        }
        else
        {
            BindText(8, text);
        }
        int rc = raw.sqlite3_step(_stmt);
        raw.sqlite3_reset(_stmt);
        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }
    }

    private void BindText(int index, string text)
    {
        int max = Encoding.UTF8.GetMaxByteCount(text.Length);
        Span<byte> utf8 = max <= 4096 ? stackalloc byte[max] : new byte[max];
        raw.sqlite3_bind_text(_stmt, index, utf8[..Encoding.UTF8.GetBytes(text, utf8)]);
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
