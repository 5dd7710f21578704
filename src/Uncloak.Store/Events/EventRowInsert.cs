using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Inserts event rows (the hot path of <c>analyze</c> with a store): no allocation per row.</summary>
internal sealed class EventRowInsert(SqliteConnection connection) : IDisposable
{
    private readonly SqliteStatement _insert = new(connection,
        "INSERT OR IGNORE INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");

    private readonly SqliteStatement _run = new(connection,
        "INSERT OR IGNORE INTO event_runs(source_id, offset, weight, last_clock) VALUES (?1, ?2, ?3, ?4)");

    private readonly SqliteStatement _lines = new(connection,
        "INSERT OR IGNORE INTO event_lines(source_id, offset, lines) VALUES (?1, ?2, ?3)");

    private readonly SqliteStatement _listeners = new(connection,
        "INSERT OR IGNORE INTO event_listeners(source_id, offset, runs) VALUES (?1, ?2, ?3)");

    /// <summary>Inserts the row; false when a row with its key was there already (ignored).</summary>
    public bool Insert(in NetEvent ev, string? text) => Insert(ev, text, 1, null, default);

    /// <summary>
    /// Inserts a row standing for <paramref name="weight"/> lines, the last at <paramref name="lastClock"/>
    /// (<see cref="EventRuns.Clock"/>; null for a single line): the count goes to <c>event_runs</c>, the encoded
    /// <paramref name="lines"/> after the first of a link run to <c>event_lines</c> (<see cref="LinkRuns"/>), those of a
    /// SYN-flood minute's other runs to <c>event_listeners</c> (<see cref="ListenerRuns"/>; empty otherwise); false when
    /// a row with its key was there already.
    /// </summary>
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
        if (text is null)
        {
            _insert.BindNull(8);
        }
        else
        {
            _insert.Bind(8, text);
        }
        if (_insert.ExecuteChanges() == 0)
        {
            return false;
        }
        if (weight != 1 && lastClock is { } last)
        {
            _run.Bind(1, ev.Position.SourceId);
            _run.Bind(2, ev.Position.Offset);
            _run.Bind(3, weight);
            _run.Bind(4, last);
            _run.ExecuteChanges();
            if (!lines.IsEmpty)
            {
                var into = ev.Kind == EventKind.SynFlood ? _listeners : _lines;
                into.Bind(1, ev.Position.SourceId);
                into.Bind(2, ev.Position.Offset);
                into.Bind(3, lines);
                into.ExecuteChanges();
            }
        }
        return true;
    }

    public void Dispose()
    {
        _insert.Dispose();
        _run.Dispose();
        _lines.Dispose();
        _listeners.Dispose();
    }
}
