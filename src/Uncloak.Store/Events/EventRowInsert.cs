using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Inserts event rows (the hot path of <c>analyze</c> with a store): no allocation per row.</summary>
internal sealed class EventRowInsert(SqliteConnection connection) : IDisposable
{
    private readonly SqliteStatement _insert = new(connection,
        "INSERT OR IGNORE INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text, weight, last_clock, lines) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");

    // What is bound now to the text and to the run columns (weight, last_clock, lines): a fresh statement binds NULL.
    private bool _textIsNull = true;
    private bool _runIsNull = true;

    /// <summary>Inserts the row; false when a row with its key was there already (ignored).</summary>
    public bool Insert(in NetEvent ev, string? text) => Insert(ev, text, 1, null, default);

    /// <summary>
    /// Inserts a row standing for <paramref name="weight"/> lines, the last at <paramref name="lastClock"/>
    /// (<see cref="EventRuns.Clock"/>; null for a single line), in the row's own columns (migration 44): the count in
    /// <c>weight</c> and <c>last_clock</c>, the encoded <paramref name="lines"/> after the first of a link run
    /// (<see cref="LinkRuns"/>) or a SYN-flood minute's other runs (<see cref="ListenerRuns"/>) in <c>lines</c> (empty
    /// otherwise); false when a row with its key was there already.
    /// </summary>
    [SkipLocalsInit] // the body buffer is packed before it is bound: no need to zero 1,152 bytes a row
    public bool Insert(in NetEvent ev, string? text, long weight, long? lastClock, ReadOnlySpan<byte> lines)
    {
        Span<byte> address = stackalloc byte[16];
        Span<byte> body = stackalloc byte[EventPacking.MaxLength];
        _insert.Bind(1, ev.Position.SourceId);
        _insert.Bind(2, ev.Position.Offset);
        if (ev.HasTime)
        {
            _insert.Bind(3, new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds());
        }
        else
        {
            _insert.BindNull(3);
        }
        _insert.Bind(4, (int)ev.Kind);
        if (ev.Peer.IsNone)
        {
            _insert.BindNull(5);
        }
        else
        {
            ev.Peer.WriteBytes(address);
            _insert.Bind(5, address);
        }
        _insert.Bind(6, ev.LocalPort);
        _insert.Bind(7, body[..EventPacking.Pack(ev, body)]);
        // A statement keeps its bindings from one row to the next (sqlite3_reset leaves them), and most rows are single
        // lines without stored text (treason lines, the bulk of a dense log): their four NULLs are bound once, not each
        // row (every bind is a call into SQLite that takes the connection's mutex).
        if (text is null)
        {
            if (!_textIsNull)
            {
                _insert.BindNull(8);
                _textIsNull = true;
            }
        }
        else
        {
            _insert.Bind(8, text);
            _textIsNull = false;
        }
        if (weight != 1 && lastClock is { } last)
        {
            _insert.Bind(9, weight);
            _insert.Bind(10, last);
            if (lines.IsEmpty)
            {
                _insert.BindNull(11);
            }
            else
            {
                _insert.Bind(11, lines);
            }
            _runIsNull = false;
        }
        else if (!_runIsNull)
        {
            _insert.BindNull(9);
            _insert.BindNull(10);
            _insert.BindNull(11);
            _runIsNull = true;
        }
        return _insert.ExecuteChanges() != 0;
    }

    public void Dispose()
    {
        _insert.Dispose();
    }
}
