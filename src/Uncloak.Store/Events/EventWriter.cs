using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Writes events on its own thread so parsing and storing run on both cores. Rare, meaningful events are
/// rows; firewall LOG lines (up to a third of a kern.log) are kept as per-minute rollups per
/// (peer, port, protocol, flags, prefix) with a sample line — rows would cap throughput and nobody asks
/// about the 40,000th SYN to port 22 by itself. Idempotent: events below the source's stored mark are skipped,
/// and rows are keyed by (source, offset).
/// </summary>
public sealed class EventWriter : IDisposable
{
    private const int BatchSize = 4096;
    private const int CommitEvery = 100_000;

    private readonly SqliteStore _store;
    private readonly BlockingCollection<List<StoredEvent>> _queue = new(boundedCapacity: 64);
    private readonly Thread _thread;
    private readonly Dictionary<SourceRef, long> _storedBelow = [];
    private List<StoredEvent> _batch = new(BatchSize);
    private Exception? _failure;
    private long _written;

    public EventWriter(SqliteStore store)
    {
        _store = store;
        _thread = new Thread(Run) { IsBackground = true, Name = "uncloak-store-writer" };
        _thread.Start();
    }

    /// <summary>Rows and rollups written so far (after <see cref="Complete"/>, all of them).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events of this source below <paramref name="offset"/> are in the store already and are skipped.</summary>
    public void SetStoredBelow(int sourceId, long offset)
    {
        lock (_storedBelow)
        {
            _storedBelow[new SourceRef(sourceId)] = offset;
        }
    }

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
            var rollups = new Dictionary<RollupKey, Rollup>();
            var tx = _store.Connection.BeginTransaction();
            using var insert = CreateInsert(tx);
            int sinceCommit = 0;
            foreach (var batch in _queue.GetConsumingEnumerable())
            {
                foreach (var stored in batch)
                {
                    var ev = stored.Event;
                    long below;
                    lock (_storedBelow)
                    {
                        below = _storedBelow.GetValueOrDefault(new SourceRef(ev.Position.SourceId));
                    }
                    if (ev.Position.Offset < below)
                    {
                        continue;
                    }
                    if (ev.Kind == EventKind.FirewallLog)
                    {
                        var key = new RollupKey(ev.Position.SourceId, ev.HasTime ? ev.Time.Ticks / TimeSpan.TicksPerMinute : ev.UptimeMicros / 60_000_000,
                            ev.Peer, ev.LocalPort, ev.Protocol, ev.TcpFlags, ev.Prefix);
                        if (rollups.TryGetValue(key, out var r))
                        {
                            r.Count++;
                            r.Text ??= stored.Text;
                        }
                        else
                        {
                            rollups[key] = new Rollup(ev, stored.Text);
                        }
                        continue;
                    }
                    Bind(insert, ev, 1, stored.Text);
                    insert.ExecuteNonQuery();
                    Interlocked.Increment(ref _written);
                    if (++sinceCommit >= CommitEvery)
                    {
                        tx.Commit();
                        tx.Dispose();
                        tx = _store.Connection.BeginTransaction();
                        insert.Transaction = tx;
                        sinceCommit = 0;
                    }
                }
            }
            foreach (var rollup in rollups.Values)
            {
                Bind(insert, rollup.First, rollup.Count, rollup.Text);
                insert.ExecuteNonQuery();
                Interlocked.Increment(ref _written);
            }
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

    private SqliteCommand CreateInsert(SqliteTransaction tx)
    {
        var cmd = _store.Connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = """
            INSERT OR IGNORE INTO events(source_id, offset, time_ms, uptime_us, host, kind, form, peer, peer_family, peer_port,
                local, local_family, local_port, seq_from, seq_to, millis, millis2, speed_mbps, queue, length, count, duplex, flow,
                protocol, tcp_flags, iface, driver, prefix, weight, text)
            VALUES ($source_id, $offset, $time_ms, $uptime_us, $host, $kind, $form, $peer, $peer_family, $peer_port,
                $local, $local_family, $local_port, $seq_from, $seq_to, $millis, $millis2, $speed_mbps, $queue, $length, $count, $duplex, $flow,
                $protocol, $tcp_flags, $iface, $driver, $prefix, $weight, $text)
            """;
        foreach (var name in EventColumns.Parameters)
        {
            cmd.Parameters.Add(new SqliteParameter(name, null));
        }
        cmd.Prepare();
        return cmd;
    }

    private static void Bind(SqliteCommand cmd, in NetEvent ev, long weight, string? text)
    {
        var p = cmd.Parameters;
        p[0].Value = ev.Position.SourceId;
        p[1].Value = ev.Position.Offset;
        p[2].Value = ev.HasTime ? new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds() : DBNull.Value;
        p[3].Value = ev.UptimeMicros >= 0 ? ev.UptimeMicros : DBNull.Value;
        p[4].Value = (object?)ev.Host ?? DBNull.Value;
        p[5].Value = (int)ev.Kind;
        p[6].Value = (int)ev.Form;
        p[7].Value = EventColumns.AddressBytes(ev.Peer);
        p[8].Value = EventColumns.Family(ev.Peer);
        p[9].Value = (int)ev.PeerPort;
        p[10].Value = EventColumns.AddressBytes(ev.Local);
        p[11].Value = EventColumns.Family(ev.Local);
        p[12].Value = (int)ev.LocalPort;
        p[13].Value = (long)ev.SeqFrom;
        p[14].Value = (long)ev.SeqTo;
        p[15].Value = ev.Millis;
        p[16].Value = ev.Millis2;
        p[17].Value = ev.SpeedMbps;
        p[18].Value = ev.Queue;
        p[19].Value = ev.Length;
        p[20].Value = ev.Count;
        p[21].Value = (int)ev.Duplex;
        p[22].Value = (int)ev.FlowControl;
        p[23].Value = (int)ev.Protocol;
        p[24].Value = (int)ev.TcpFlags;
        p[25].Value = (object?)ev.Interface ?? DBNull.Value;
        p[26].Value = (object?)ev.Driver ?? DBNull.Value;
        p[27].Value = (object?)ev.Prefix ?? DBNull.Value;
        p[28].Value = weight;
        p[29].Value = (object?)text ?? DBNull.Value;
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

    private readonly record struct SourceRef(int Id);

    private readonly record struct RollupKey(int Source, long Minute, NetAddress Peer, ushort Port, byte Protocol, TcpFlags Flags, string? Prefix);

    private sealed class Rollup(NetEvent first, string? text)
    {
        public NetEvent First { get; } = first;

        public string? Text { get; set; } = text;

        public long Count { get; set; } = 1;
    }
}
