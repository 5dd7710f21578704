using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Writes events on its own thread so parsing and storing run on both cores. Rare, meaningful events are
/// rows; firewall LOG lines (up to a third of a kern.log) are kept as aggregates — per-minute totals and
/// per-day counts per peer and per port — because rows would cap throughput and nobody asks about the
/// 40,000th SYN to port 22 by itself. Idempotent: events below the source's stored mark are skipped, rows are
/// keyed by (source, offset).
/// </summary>
public sealed class EventWriter : IDisposable
{
    private const int BatchSize = 4096;
    private const int CommitEvery = 100_000;

    private readonly SqliteStore _store;
    private readonly BlockingCollection<List<StoredEvent>> _queue = new(boundedCapacity: 8);
    private readonly Thread _thread;
    private readonly ConcurrentDictionary<int, long> _storedBelow = new();
    private readonly Dictionary<RollupKey, (long Count, long First, long Last)> _rollups = [];
    private List<StoredEvent> _batch = new(BatchSize);
    private Exception? _failure;
    private long _written;

    public EventWriter(SqliteStore store)
    {
        _store = store;
        _thread = new Thread(Run) { IsBackground = true, Name = "uncloak-store-writer" };
        _thread.Start();
    }

    /// <summary>Rows and rollups written (complete after <see cref="Complete"/>).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events of this source below <paramref name="offset"/> are in the store already and are skipped.</summary>
    public void SetStoredBelow(int sourceId, long offset) => _storedBelow[sourceId] = offset;

    /// <summary>True when nothing of the source was stored before: its aggregates can be inserted without merging.</summary>
    private bool IsFresh(int sourceId) => _storedBelow.GetValueOrDefault(sourceId) == 0 && !_hadRollups.Contains(sourceId);

    private readonly HashSet<int> _hadRollups = [];

    /// <summary>Queues an event. Not thread-safe: one producer (use <see cref="AddBatch"/> from parallel producers).</summary>
    public void Add(in NetEvent ev, string? text)
    {
        ThrowIfFailed();
        _batch.Add(new StoredEvent(ev, 1, text));
        if (_batch.Count >= BatchSize)
        {
            _queue.Add(_batch);
            _batch = new List<StoredEvent>(BatchSize);
        }
    }

    /// <summary>Queues a whole batch; safe to call from several producer threads.</summary>
    public void AddBatch(List<StoredEvent> batch)
    {
        ThrowIfFailed();
        _queue.Add(batch);
    }

    /// <summary>Flushes everything and waits for the writer; rethrows a store failure with its cause.</summary>
    public void Complete()
    {
        if (_batch.Count > 0)
        {
            _queue.Add(_batch);
            _batch = [];
        }
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }
        _thread.Join();
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new StoreException("writing events failed: " + _failure.Message, _failure);
        }
    }

    private void Run()
    {
        try
        {
            var tx = _store.Connection.BeginTransaction();
            using var insert = CreateInsert(tx, 1);
            using var insertMany = CreateInsert(tx, RowsPerStatement);
            var pending = new List<StoredEvent>(RowsPerStatement);
            int sinceCommit = 0;
            foreach (var batch in _queue.GetConsumingEnumerable())
            {
                foreach (var stored in batch)
                {
                    var ev = stored.Event;
                    if (ev.Position.Offset < _storedBelow.GetValueOrDefault(ev.Position.SourceId))
                    {
                        continue;
                    }
                    if (EventColumns.IsAggregated(ev.Kind))
                    {
                        Aggregate(ev);
                        continue;
                    }
                    pending.Add(stored);
                    if (pending.Count < RowsPerStatement)
                    {
                        continue;
                    }
                    // Many rows per statement: the per-statement overhead of the ADO.NET layer costs more than SQLite's insert.
                    Bind(insertMany, pending);
                    insertMany.ExecuteNonQuery();
                    Interlocked.Add(ref _written, pending.Count);
                    sinceCommit += pending.Count;
                    pending.Clear();
                    if (sinceCommit >= CommitEvery)
                    {
                        tx.Commit();
                        tx.Dispose();
                        tx = _store.Connection.BeginTransaction();
                        insert.Transaction = tx;
                        insertMany.Transaction = tx;
                        sinceCommit = 0;
                    }
                }
            }
            foreach (var stored in pending)
            {
                Bind(insert, [stored]);
                insert.ExecuteNonQuery();
                Interlocked.Increment(ref _written);
            }
            WriteRollups(tx);
            tx.Commit();
            tx.Dispose();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            _failure = e;
            // Drain so producers blocked on a full queue are released and see the failure.
            foreach (var unused in _queue.GetConsumingEnumerable())
            {
            }
        }
    }

    private void Aggregate(in NetEvent ev)
    {
        bool uptime = !ev.HasTime;
        long minute = uptime ? ev.UptimeMicros / 60_000_000 : ev.Time.Ticks / TimeSpan.TicksPerMinute;
        if (uptime && ev.UptimeMicros < 0)
        {
            return; // no clock at all: nothing to place it in time with
        }
        int src = ev.Position.SourceId;
        Bump(new RollupKey(src, ev.Kind, RollupScope.Minute, uptime, minute, NetAddress.None, 0), minute);
        if (!ev.Peer.IsNone)
        {
            Bump(new RollupKey(src, ev.Kind, RollupScope.Peer, uptime, 0, ev.Peer, 0), minute);
        }
        if (ev.LocalPort != 0)
        {
            Bump(new RollupKey(src, ev.Kind, RollupScope.Port, uptime, 0, NetAddress.None, ev.LocalPort), minute);
        }
    }

    private void Bump(RollupKey key, long minute)
    {
        ref var r = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_rollups, key, out bool exists);
        r = exists ? (r.Count + 1, Math.Min(r.First, minute), Math.Max(r.Last, minute)) : (1, minute, minute);
    }

    private void WriteRollups(SqliteTransaction tx)
    {
        foreach (int source in _rollups.Keys.Select(k => k.Source).Distinct())
        {
            using var probe = _store.Connection.CreateCommand();
            probe.Transaction = tx;
            probe.CommandText = "SELECT EXISTS(SELECT 1 FROM rollups WHERE source_id = $s)";
            probe.Parameters.AddWithValue("$s", source);
            if (Convert.ToInt64(probe.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0)
            {
                _hadRollups.Add(source);
            }
        }
        // A source seen for the first time has no aggregates yet: plain inserts in key order are much cheaper than upserts.
        using var fresh = CreateRollupInsert(tx, merge: false);
        using var merge = CreateRollupInsert(tx, merge: true);
        var empty = Array.Empty<byte>();
        foreach (var (key, (count, firstMinute, lastMinute)) in _rollups.OrderBy(r => r.Key.Source).ThenBy(r => r.Key.Kind).ThenBy(r => r.Key.Scope).ThenBy(r => r.Key.Bucket).ThenBy(r => r.Key.Peer).ThenBy(r => r.Key.Port))
        {
            var cmd = IsFresh(key.Source) ? fresh : merge;
            var p = cmd.Parameters;
            p[0].Value = key.Source;
            p[1].Value = (int)key.Kind;
            p[2].Value = (int)key.Scope;
            p[3].Value = key.Uptime ? 1 : 0;
            p[4].Value = key.Bucket;
            p[5].Value = key.Peer.IsNone ? empty : EventColumns.AddressBytes(key.Peer);
            p[6].Value = (int)key.Port;
            p[7].Value = count;
            p[8].Value = firstMinute;
            p[9].Value = lastMinute;
            cmd.ExecuteNonQuery();
            Interlocked.Increment(ref _written);
        }
        _rollups.Clear();
    }

    private SqliteCommand CreateRollupInsert(SqliteTransaction tx, bool merge)
    {
        var cmd = _store.Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = merge ? """
            INSERT INTO rollups(source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute)
            VALUES ($s, $k, $scope, $u, $b, $peer, $port, $n, $first, $last)
            ON CONFLICT(source_id, kind, scope, uptime, bucket, peer, port) DO UPDATE SET
                count = count + excluded.count,
                first_minute = MIN(first_minute, excluded.first_minute),
                last_minute = MAX(last_minute, excluded.last_minute)
            """ : """
            INSERT INTO rollups(source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute)
            VALUES ($s, $k, $scope, $u, $b, $peer, $port, $n, $first, $last)
            """;
        foreach (var name in (string[])["$s", "$k", "$scope", "$u", "$b", "$peer", "$port", "$n", "$first", "$last"])
        {
            cmd.Parameters.Add(new SqliteParameter(name, null));
        }
        cmd.Prepare();
        return cmd;
    }

    private const int RowsPerStatement = 32;
    private const int ColumnsPerRow = 8;

    private SqliteCommand CreateInsert(SqliteTransaction tx, int rows)
    {
        var cmd = _store.Connection.CreateCommand();
        cmd.Transaction = tx;
        var sql = new System.Text.StringBuilder("INSERT OR IGNORE INTO events(source_id, offset, time_ms, kind, peer, local_port, body, text) VALUES ");
        for (int r = 0; r < rows; r++)
        {
            sql.Append(r == 0 ? "" : ",").Append('(');
            for (int c = 0; c < ColumnsPerRow; c++)
            {
                string name = $"$p{r}_{c}";
                sql.Append(c == 0 ? "" : ",").Append(name);
                cmd.Parameters.Add(new SqliteParameter(name, null));
            }
            sql.Append(')');
        }
        cmd.CommandText = sql.ToString();
        cmd.Prepare();
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, List<StoredEvent> rows)
    {
        var p = cmd.Parameters;
        for (int r = 0; r < rows.Count; r++)
        {
            var ev = rows[r].Event;
            int o = r * ColumnsPerRow;
            p[o].Value = ev.Position.SourceId;
            p[o + 1].Value = ev.Position.Offset;
            p[o + 2].Value = ev.HasTime ? new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds() : DBNull.Value;
            p[o + 3].Value = (int)ev.Kind;
            p[o + 4].Value = EventColumns.AddressBytes(ev.Peer);
            p[o + 5].Value = (int)ev.LocalPort;
            p[o + 6].Value = EventPacking.Pack(ev);
            p[o + 7].Value = (object?)rows[r].Text ?? DBNull.Value;
        }
    }

    public void Dispose()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }
        if (_thread.IsAlive)
        {
            _thread.Join();
        }
        _queue.Dispose();
    }

    private readonly record struct RollupKey(int Source, EventKind Kind, RollupScope Scope, bool Uptime, long Bucket, NetAddress Peer, ushort Port);
}
