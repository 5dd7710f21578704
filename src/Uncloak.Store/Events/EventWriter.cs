using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Events;

/// <summary>
/// Writes events on its own thread so parsing and storing overlap. Rare, meaningful events are rows; firewall LOG
/// lines (up to a third of a kern.log) are kept as aggregates — per-minute totals and per-peer and per-port counts
/// with their first and last minute — because rows would cap throughput and nobody asks about the 40,000th SYN to
/// port 22 by itself. Readers count those aggregates on their own threads (<see cref="AddRollups"/>), and each
/// reader's are encoded here as they come, one block per source, kind and clock (<see cref="RollupBlock"/>), written
/// with the run's last commit; aggregated kinds queued as events are counted here. Runs of repetitive rare lines come collapsed by the readers
/// (<see cref="EventRuns"/>, <see cref="LinkRuns"/>): a row each, with its weight. Idempotent: events below the source's stored mark are skipped, rows are
/// keyed by (source, offset).
/// </summary>
public sealed class EventWriter : IDisposable
{
    /// <summary>Events per batch, for producers.</summary>
    public const int BatchSize = 1024;
    private const int CommitEvery = 100_000;

    private readonly SqliteStore _store;
    // Short on purpose: a longer queue lets the readers run ahead, which only moves the writer's work to the end of the
    // run and holds more at the memory peak (32 batches: +50 MB peak RSS on the 10M-line corpus, no time saved). Bounded
    // in bytes (QueuedBytes), not in batches, so that the bound is the same on any mix of rows.
    private const long QueueLimit = 4L << 20;
    private const int FreeBatches = 8;
    private readonly BlockingCollection<(List<StoredEvent> Rows, long Bytes)> _queue = new();
    private readonly QueuedBytes _queued = new(QueueLimit);
    private readonly Thread _thread;
    private readonly ConcurrentDictionary<int, long> _storedBelow = new();
    private readonly RollupAggregator _rollups = new();
    private readonly TimelineCounts _timeline = new();
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

    /// <summary>The offset below which events of this source are in the store already.</summary>
    public long StoredBelow(int sourceId) => _storedBelow.GetValueOrDefault(sourceId);

    /// <summary>
    /// An empty batch to fill and hand to <see cref="AddBatch"/>. Batches go round between the readers and the writer
    /// instead of being allocated anew: each is an array of a few hundred kilobytes, and dead ones stay on the
    /// large-object heap until a full collection.
    /// </summary>
    public List<StoredEvent> RentBatch() => _free.TryDequeue(out var batch) ? batch : new List<StoredEvent>(BatchSize);

    private readonly ConcurrentQueue<List<StoredEvent>> _free = new();

    /// <summary>
    /// Queues a whole batch; safe to call from several producer threads. Once the store has failed (disk full) the
    /// batch is dropped and counted instead of thrown at the reader: the analysis goes on over everything read, and
    /// <see cref="Complete"/> reports the failure (issue 17, item 4: analyze printed an AggregateException, no report).
    /// </summary>
    public void AddBatch(List<StoredEvent> batch)
    {
        if (_failure is not null)
        {
            Interlocked.Add(ref _dropped, batch.Count);
            batch.Clear();
            _free.Enqueue(batch);
            return;
        }
        long bytes = QueuedBytes.Of(batch);
        _queued.Take(bytes);
        _queue.Add((batch, bytes));
    }

    private long _dropped;

    /// <summary>True once a store write failed; what is added from then on is dropped and counted.</summary>
    public bool Failed => _failure is not null;

    /// <summary>Records a store failure met outside the writer (registering a source): <see cref="Complete"/> reports it.</summary>
    public void Fail(Exception failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    /// <summary>
    /// Says nothing more will be added, without waiting: the writer goes on to the aggregates the readers handed over,
    /// which it can only write once every reader is done, while the caller builds and renders its report on the other
    /// core (on the 10 M-line corpora that write takes as long as the rendering).
    /// </summary>
    public void CompleteAdding()
    {
        if (!_queue.IsAddingCompleted)
        {
            _queue.CompleteAdding();
        }
    }

    /// <summary>Flushes everything and waits for the writer; rethrows a store failure with its cause.</summary>
    public void Complete()
    {
        CompleteAdding();
        _thread.Join();
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_failure is not null)
        {
            throw new StoreException($"the store failed ({_failure.Message.TrimEnd('.')}): the report covers everything read, but the store kept only " +
                $"what was committed before the failure ({Interlocked.Read(ref _dropped):N0} events after it were not stored); the files will be read again next time", _failure);
        }
    }

    /// <summary>
    /// Hands over the aggregates a reader counted itself (<see cref="RollupAggregator"/>); they are encoded when the
    /// writer next takes a batch and written with the writer's own once adding completes (<see cref="CompleteAdding"/>).
    /// Safe to call from several producer threads.
    /// </summary>
    public void AddRollups(RollupAggregator aggregates)
    {
        if (_failure is null)
        {
            _handedOver.Enqueue(aggregates); // after a failure they could not be written either (see AddBatch)
        }
    }

    private readonly ConcurrentQueue<RollupAggregator> _handedOver = new();

    private void Run()
    {
        try
        {
            // Bulk load: the sources row every event refers to was registered before reading started, so checking the
            // foreign key on each of millions of rows only costs time. The WAL is not checkpointed inside the load's
            // commits (each would copy the pages written so far into the database file a second time and sync both,
            // on the core the readers need; the rows are committed either way, and the checkpoint runs once when the
            // store closes), as in a bulk ban import (DecisionStore.DeferCheckpoints, issue 17). No bigger page cache
            // as there: it would count against the analysis's memory peak (issue 18 item 6).
            _store.Execute("PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0;");
            var tx = _store.Connection.BeginTransaction();
            using var insert = new EventRowInsert(_store.Connection);
            int sinceCommit = 0;
            foreach (var (batch, bytes) in _queue.GetConsumingEnumerable())
            {
                foreach (var stored in batch)
                {
                    var ev = stored.Event;
                    if (ev.Position.Offset < _storedBelow.GetValueOrDefault(ev.Position.SourceId))
                    {
                        continue;
                    }
                    if (RollupAggregator.Aggregates(ev.Kind))
                    {
                        _rollups.Add(ev);
                        continue;
                    }
                    if (insert.Insert(ev, stored.Text, stored.Weight, stored.LastClock, stored.Lines.Span) && ev.HasTime)
                    {
                        if (stored.Minutes.IsEmpty)
                        {
                            _timeline.Add(TimelineCounts.UnixMinute(ev.Time), ev.Kind, stored.Weight);
                        }
                        else
                        {
                            foreach (var (minute, count) in stored.Minutes.Span)
                            {
                                _timeline.Add(minute, ev.Kind, count);
                            }
                        }
                    }
                    Interlocked.Increment(ref _written);
                    if (++sinceCommit >= CommitEvery)
                    {
                        _timeline.Flush(_store.Connection, tx);
                        tx.Commit();
                        tx.Dispose();
                        tx = _store.Connection.BeginTransaction();
                        sinceCommit = 0;
                    }
                }
                batch.Clear();
                _queued.Release(bytes);
                TakeHandedOver();
                if (_free.Count < FreeBatches)
                {
                    _free.Enqueue(batch);
                }
            }
            TakeHandedOver();
            Encode(_rollups);
            WriteBlocks(tx);
            _timeline.Flush(_store.Connection, tx);
            tx.Commit();
            tx.Dispose();
            // The deferred checkpoint, here on the writer's thread while the report may still be rendering, rather than
            // when the store closes. PASSIVE: a reader of the store (the dashboard) is never waited for.
            _store.Execute($"PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint={_store.AutoCheckpointPages}; PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or StoreException)
        {
            _failure = e;
            // Drain so producers blocked on a full queue are released and see the failure; the batch being written
            // when it failed is never released, so the bound goes.
            _queued.Unbound();
            foreach (var (_, bytes) in _queue.GetConsumingEnumerable())
            {
                _queued.Release(bytes);
            }
        }
    }

    /// <summary>
    /// Encodes the aggregates readers handed over so far, as they come (on the writer's thread, while the readers
    /// still read) rather than merging them into one set written after the last reader: that set was one row per
    /// minute, peer and port — 77,000 B-tree inserts after a 2 M-line dense log was read, the run's tail, where only
    /// this thread works (issue 18, item 6). A block is a few hundred kilobytes at most; the aggregates are garbage
    /// once encoded.
    /// </summary>
    private void TakeHandedOver()
    {
        while (_handedOver.TryDequeue(out var aggregates))
        {
            Encode(aggregates);
        }
    }

    private readonly List<PendingBlock> _blocks = [];

    private sealed record PendingBlock(int Source, long Offset, EventKind Kind, bool Uptime, byte[] Data);

    private void Encode(RollupAggregator aggregates)
    {
        foreach (var (source, offset, kind, uptime, records) in aggregates.Blocks())
        {
            _blocks.Add(new PendingBlock(source, offset, kind, uptime, RollupBlock.Encode(records)));
        }
    }

    /// <summary>
    /// Writes the encoded blocks. Blocks of a source at or past its stored mark can only be from a run that committed
    /// its blocks but stopped before the mark moved (<see cref="StoredBelow"/> is read again from the mark): this run
    /// read those lines again, so those blocks go, and their minutes leave the timeline.
    /// </summary>
    private void WriteBlocks(SqliteTransaction tx)
    {
        foreach (int source in _blocks.Select(b => b.Source).Distinct())
        {
            if (_storedBelow.TryGetValue(source, out long mark))
            {
                RemoveStaleBlocks(tx, source, mark);
            }
        }
        using var insert = new SqliteStatement(_store.Connection,
            "INSERT OR REPLACE INTO rollup_blocks(source_id, offset, kind, uptime, records) VALUES (?1, ?2, ?3, ?4, ?5)");
        // One block per key: the same file given twice (`analyze a.log a.log`, or through a link) is read twice into the
        // report, but stored once, as its events are (a key is a source and the offset of the block's first line).
        var written = new HashSet<(int, long, EventKind, bool)>();
        for (int i = _blocks.Count - 1; i >= 0; i--)
        {
            var block = _blocks[i];
            if (!written.Add((block.Source, block.Offset, block.Kind, block.Uptime)))
            {
                continue;
            }
            insert.Bind(1, block.Source);
            insert.Bind(2, block.Offset);
            insert.Bind(3, (int)block.Kind);
            insert.Bind(4, block.Uptime ? 1 : 0);
            insert.Bind(5, block.Data);
            insert.Execute();
            Interlocked.Increment(ref _written);
            // Wall-clock minutes go to the timeline in the transaction that writes the block, not in an earlier commit:
            // a run stopped before its blocks are written leaves no count without its block.
            if (!block.Uptime)
            {
                foreach (var (minute, count) in RollupBlock.ReadMinutes(block.Source, block.Data))
                {
                    _timeline.Add(minute - TimelineCounts.UnixEpochMinute, block.Kind, count);
                }
            }
        }
        _blocks.Clear();
    }

    private void RemoveStaleBlocks(SqliteTransaction tx, int source, long storedBelow)
    {
        using var stale = _store.Connection.CreateCommand();
        stale.Transaction = tx;
        stale.CommandText = "DELETE FROM rollup_blocks WHERE source_id = $s AND offset >= $o RETURNING kind, uptime, records";
        stale.Parameters.AddWithValue("$s", source);
        stale.Parameters.AddWithValue("$o", storedBelow);
        using var r = stale.ExecuteReader();
        while (r.Read())
        {
            if (r.GetInt32(1) != 0)
            {
                continue; // uptime minutes are not on the timeline
            }
            var kind = (EventKind)r.GetInt32(0);
            foreach (var (minute, count) in RollupBlock.ReadMinutes(source, (byte[])r[2]))
            {
                _timeline.Add(minute - TimelineCounts.UnixEpochMinute, kind, -count);
            }
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
}
