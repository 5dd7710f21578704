using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Events;

/// <summary>
/// Writes events on its own thread so parsing and storing overlap. Rare, meaningful events are rows, which the readers
/// encode into blocks of a few hundred (<see cref="EventBlock"/>, <see cref="EventBlockBuilder"/>) and this writes as one
/// row each; firewall LOG
/// lines (up to a third of a kern.log) are kept as aggregates — per-minute totals and per-peer and per-port counts
/// with their first and last minute — because rows would cap throughput and nobody asks about the 40,000th SYN to
/// port 22 by itself. Readers count those aggregates on their own threads (<see cref="AddRollups"/>), and each
/// reader's are encoded here as they come, one block per source, kind and clock (<see cref="RollupBlock"/>), written
/// with the run's last commit. Runs of repetitive rare lines come collapsed by the readers (<see cref="EventRuns"/>,
/// <see cref="LinkRuns"/>): a row each, with its weight. Idempotent: the readers skip events below the source's stored
/// mark, and blocks at or past it — from a run that stopped before its mark moved — are replaced (<see cref="StoredBelow"/>).
/// </summary>
public sealed class EventWriter : IDisposable
{
    // Rows per commit: the blocks' rows are committed every so often, so a long read keeps what it wrote if stopped.
    private const int CommitEvery = 100_000;

    /// <summary>
    /// Bytes of blocks after which the writer commits and checkpoints the WAL (PASSIVE: a reader is never waited for), as
    /// SQLite's own threshold would (<see cref="SqliteStore.AutoCheckpointPages"/>, 4 MB). Left to the end, the load's one
    /// checkpoint copied the whole WAL — 20 MB after a 2 M-line dense log — while everything else was done: 90–120 ms
    /// of a 1.1 s run on the writer's thread alone, the last thing the run waited for (issue 18, item 6). In steps, the
    /// copying overlaps the read, and the run's tail waits for the report, not the store.
    /// </summary>
    private const long CheckpointEvery = 4_000_000;

    private readonly SqliteStore _store;
    // Short on purpose: a longer queue lets the readers run ahead, which only moves the writer's work to the end of the
    // run and holds more at the memory peak (32 batches: +50 MB peak RSS on the 10M-line corpus, no time saved). Bounded
    // in bytes (QueuedBytes), the blocks' own.
    private const long QueueLimit = 4L << 20;
    private readonly BlockingCollection<EventBlock> _queue = new();
    private readonly QueuedBytes _queued = new(QueueLimit);
    private readonly Thread _thread;
    private readonly ConcurrentDictionary<int, long> _storedBelow = new();
    private readonly HashSet<int> _replaced = [];
    private readonly TimelineCounts _timeline = new(capacity: 1 << 16);
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
    /// Queues a block of rows a reader encoded; safe to call from several producer threads, and waits while the writer
    /// has more than a few megabytes to write. Once the store has failed (disk full) the block is dropped and counted
    /// instead of thrown at the reader: the analysis goes on over everything read, and <see cref="Complete"/> reports
    /// the failure (issue 17, item 4: analyze printed an AggregateException, no report).
    /// </summary>
    public void AddBlock(EventBlock block)
    {
        if (_failure is not null)
        {
            Interlocked.Add(ref _dropped, block.Rows);
            block.Return();
            return;
        }
        _queued.Take(block.Data.Length);
        _queue.Add(block);
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
            _handedOver.Enqueue(aggregates); // after a failure they could not be written either (see AddBlock)
        }
    }

    private readonly ConcurrentQueue<RollupAggregator> _handedOver = new();

    private void Run()
    {
        try
        {
            // Bulk load: the sources row every block refers to was registered before reading started. SQLite's automatic
            // checkpoint is off: the load checkpoints itself every CheckpointEvery bytes of blocks, after a commit of its
            // own (the rows committed by then, the timeline with them), rather than whenever a commit finds the WAL past
            // its threshold. No bigger page cache than a bulk ban import takes (DecisionStore.DeferCheckpoints, issue 17):
            // it would count against the analysis's memory peak (issue 18 item 6).
            _store.Execute("PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0;");
            var tx = _store.Connection.BeginTransaction();
            using var insert = new SqliteStatement(_store.Connection,
                "INSERT OR IGNORE INTO event_blocks(source_id, offset, last_offset, first_ms, last_ms, rows, data) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
            long sinceCommit = 0;
            long sinceCheckpoint = 0;
            foreach (var block in _queue.GetConsumingEnumerable())
            {
                if (_replaced.Add(block.Source) && _storedBelow.TryGetValue(block.Source, out long mark))
                {
                    RemoveStaleEventBlocks(tx, block.Source, mark);
                }
                insert.Bind(1, block.Source);
                insert.Bind(2, block.FirstOffset);
                insert.Bind(3, block.LastOffset);
                BindTime(insert, 4, block.FirstMs);
                BindTime(insert, 5, block.LastMs);
                insert.Bind(6, block.Rows);
                insert.Bind(7, block.Data.Span);
                // The same file given twice makes the same blocks again: stored once, counted once.
                if (insert.ExecuteChanges() != 0)
                {
                    EventBlock.AddMinutes(block.Source, block.Data.Span, _timeline, sign: 1);
                    Interlocked.Add(ref _written, block.Rows);
                }
                _queued.Release(block.Data.Length);
                block.Return();
                sinceCommit += block.Rows;
                sinceCheckpoint += block.Data.Length;
                if (sinceCommit >= CommitEvery || sinceCheckpoint >= CheckpointEvery)
                {
                    _timeline.Flush(_store.Connection, tx);
                    tx.Commit();
                    tx.Dispose();
                    if (sinceCheckpoint >= CheckpointEvery)
                    {
                        _store.Execute("PRAGMA wal_checkpoint(PASSIVE);");
                        sinceCheckpoint = 0;
                    }
                    tx = _store.Connection.BeginTransaction();
                    sinceCommit = 0;
                }
                TakeHandedOver();
            }
            TakeHandedOver();
            WriteBlocks(tx);
            _timeline.Flush(_store.Connection, tx);
            tx.Commit();
            tx.Dispose();
            // The last checkpoint, here on the writer's thread while the report may still be rendering, rather than when the
            // store closes. PASSIVE: a reader of the store (the dashboard) is never waited for.
            _store.Execute($"PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint={_store.AutoCheckpointPages}; PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException or StoreException)
        {
            _failure = e;
            // Drain so producers blocked on a full queue are released and see the failure; the block being written
            // when it failed is never released, so the bound goes.
            _queued.Unbound();
            foreach (var block in _queue.GetConsumingEnumerable())
            {
                _queued.Release(block.Data.Length);
                Interlocked.Add(ref _dropped, block.Rows);
                block.Return();
            }
        }
    }

    private static void BindTime(SqliteStatement insert, int index, long? ms)
    {
        if (ms is { } value)
        {
            insert.Bind(index, value);
        }
        else
        {
            insert.BindNull(index);
        }
    }

    /// <summary>
    /// Takes out the event blocks of a source at or past its stored mark, with what they added to the timeline: only a
    /// run that stopped after committing them and before its mark moved leaves such blocks, and this run reads those
    /// lines again (its blocks may be cut elsewhere, so they could not simply be ignored as repeats).
    /// </summary>
    private void RemoveStaleEventBlocks(SqliteTransaction tx, int source, long storedBelow)
        => DeleteFrom(tx, "event_blocks", "data", source, storedBelow, r =>
        {
            EventBlock.AddMinutes(source, (byte[])r[0], _timeline, sign: -1);
        });

    /// <summary>Deletes the blocks of <paramref name="table"/> of a source at or past its mark, each deleted row handed to <paramref name="deleted"/>.</summary>
    private void DeleteFrom(SqliteTransaction tx, string table, string returning, int source, long storedBelow, Action<SqliteDataReader> deleted)
    {
        using var stale = _store.Connection.CreateCommand();
        stale.Transaction = tx;
        stale.CommandText = $"DELETE FROM {table} WHERE source_id = $s AND offset >= $o RETURNING {returning}";
        stale.Parameters.AddWithValue("$s", source);
        stale.Parameters.AddWithValue("$o", storedBelow);
        using var r = stale.ExecuteReader();
        while (r.Read())
        {
            deleted(r);
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
            aggregates.Reset();
            _spent.Enqueue(aggregates);
        }
    }

    /// <summary>
    /// An aggregator handed over before and encoded since, emptied, for a reader's next range; a new one when none is.
    /// Reusing them keeps their tables (megabytes a range on a dense log) out of the garbage collector's way.
    /// </summary>
    public RollupAggregator SpareRollups() => _spent.TryDequeue(out var spare) ? spare : new RollupAggregator();

    private readonly ConcurrentQueue<RollupAggregator> _spent = new();

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
        => DeleteFrom(tx, "rollup_blocks", "kind, uptime, records", source, storedBelow, r =>
        {
            if (r.GetInt32(1) != 0)
            {
                return; // uptime minutes are not on the timeline
            }
            var kind = (EventKind)r.GetInt32(0);
            foreach (var (minute, count) in RollupBlock.ReadMinutes(source, (byte[])r[2]))
            {
                _timeline.Add(minute - TimelineCounts.UnixEpochMinute, kind, -count);
            }
        });

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
