using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.KeyValueStore;
using Uncloak.Config;
using Uncloak.Fleet.Decisions;
using Uncloak.Store;

namespace Uncloak.Fleet;

/// <summary>
/// One host's link to the fleet: publishes its shareable decisions (read from its store: <see cref="FleetOutbox"/>) into
/// the shared-bans KV bucket, and watches the whole bucket (a snapshot, then live changes) to apply the other hosts' bans
/// through <see cref="IFleetEnforcement"/>, judged by <see cref="FleetInbox"/>. The NATS client reconnects on its own;
/// every (re)connect re-snapshots what this host publishes, and the watch (<see cref="FleetWatch"/>) re-reads the bucket,
/// whose values the inbox recognises as duplicates.
/// </summary>
public sealed class FleetAgent
{
    /// <summary>How often the store is read for decisions to publish.</summary>
    public static readonly TimeSpan PublishEvery = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the store's outages and alert summaries are compared with what the evidence stream has.</summary>
    public static readonly TimeSpan EvidenceEvery = TimeSpan.FromSeconds(2);

    /// <summary>Puts in flight at once: JetStream acks each, so one at a time would cost a round trip per ban.</summary>
    private const int InFlight = 256;

    private readonly FleetConfig _config;
    private readonly string _storePath;
    private readonly IFleetEnforcement? _enforcement;
    private readonly IFleetLog _log;
    private readonly TimeProvider _time;

    /// <param name="config">The fleet section.</param>
    /// <param name="storePath">The decision store; the agent opens its own connection to it (SQLite serialises writers).</param>
    /// <param name="enforcement">How received bans take effect; null when this host bans nothing (simulate, firewall off): it then only publishes.</param>
    /// <param name="log">Where connection trouble and traffic are reported.</param>
    /// <param name="time">The clock expiries are compared with.</param>
    public FleetAgent(FleetConfig config, string storePath, IFleetEnforcement? enforcement, IFleetLog log, TimeProvider time)
    {
        _config = config;
        _storePath = storePath;
        _enforcement = enforcement;
        _log = log;
        _time = time;
    }

    public FleetStatus Status { get; } = new();

    /// <summary>This host's cross-probes: probe name → the other host's service it checks (<c>HOST/PROBE</c>).</summary>
    public IReadOnlyDictionary<string, string> CrossProbes { get; init; } = new Dictionary<string, string>();

    /// <summary>The version the host record carries.</summary>
    public string Version { get; init; } = "";

    /// <summary>Runs until <paramref name="cancel"/>; connection trouble is logged and retried, never thrown.</summary>
    public async Task RunAsync(CancellationToken cancel)
    {
        var backoff = TimeSpan.FromSeconds(1);
        while (!cancel.IsCancellationRequested)
        {
            try
            {
                await using var nats = new NatsConnection(FleetConnection.Options(_config));
                await nats.ConnectAsync().ConfigureAwait(false);
                var version = nats.ServerInfo?.Version;
                var kv = await OpenBucketAsync(nats, KeyTtl.ServerSupports(version), cancel).ConfigureAwait(false);
                var bucket = await kv.GetStatusAsync(cancel).ConfigureAwait(false);
                Status.KeyTtl = KeyTtl.Usable(version, bucket.Info.Config.AllowMsgTTL);
                Status.Connected = true;
                Status.LastError = null;
                _log.Connected(nats.ServerInfo?.Name ?? "?", _config.Host, version ?? "?", Status.KeyTtl);
                backoff = TimeSpan.FromSeconds(1);
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                var hosts = await Hosts.FleetHosts.OpenAsync(new NatsKVContext(new NatsJSContext(nats)), _config.Replicas, cancel).ConfigureAwait(false);
                var publish = PublishAsync(nats, kv, hosts, stop.Token);
                var receive = _enforcement is null ? Task.Delay(Timeout.Infinite, stop.Token) : ReceiveAsync(nats, _enforcement, stop.Token);
                var first = await Task.WhenAny(publish, receive).ConfigureAwait(false);
                await stop.CancelAsync().ConfigureAwait(false);
                await Task.WhenAll(publish.ContinueWith(_ => { }, TaskScheduler.Default), receive.ContinueWith(_ => { }, TaskScheduler.Default)).ConfigureAwait(false);
                await first.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NatsException or JsonException or StoreException or TimeoutException or OperationCanceledException)
            {
                Status.Connected = false;
                Status.LastError = FleetConnection.Describe(e);
                _log.Unavailable(Status.LastError);
            }
            try
            {
                await Task.Delay(backoff, _time, cancel).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
        }
        Status.Connected = false;
    }

    /// <summary>
    /// The shared-bans bucket, created (with the configured replicas, one value per key) when it does not exist yet; on a
    /// server that has per-message TTL it is created with limit markers, which lets puts carry a <see cref="KeyTtl"/>.
    /// </summary>
    private Task<INatsKVStore> OpenBucketAsync(NatsConnection nats, bool keyTtl, CancellationToken cancel)
        => FleetBuckets.OpenAsync(new NatsKVContext(new NatsJSContext(nats)), _config.Bucket, _config.Replicas, "Uncloak: bans shared by the fleet, one key per host and target",
            keyTtl ? FleetBuckets.LimitMarkers : TimeSpan.Zero, cancel, FleetWatch.Republish(_config.Bucket));

    /// <summary>Follows the store and writes this host's changes; a failed write re-snapshots at the next round.</summary>
    private async Task PublishAsync(NatsConnection nats, INatsKVStore kv, INatsKVStore hosts, CancellationToken cancel)
    {
        using var store = SqliteStore.Open(_storePath);
        var decisions = new DecisionStore(store);
        var outbox = new FleetOutbox(decisions, _config.Host, _config.Share);
        var watchStore = new Store.Watch.WatchStore(store);
        var incidents = new Store.Incidents.IncidentStore(store);
        var evidence = new Evidence.EvidenceOutbox(_config.Host, CrossProbes);
        var js = new NatsJSContext(nats);
        bool snapshot = true, evidenceOpen = false;
        var heartbeat = DateTimeOffset.MinValue;
        var evidenceRound = DateTimeOffset.MinValue;
        while (!cancel.IsCancellationRequested)
        {
            if (nats.ConnectionState == NatsConnectionState.Open)
            {
                try
                {
                    var now = _time.GetUtcNow();
                    // While a burst is being published (a full slice waits), the host record and the evidence wait: the
                    // record counts every ban in force (100,000 rows read), which cost the burst a pause of seconds every
                    // 10 s under load.
                    if (now - heartbeat >= _config.Heartbeat && !outbox.Behind)
                    {
                        await hosts.PutAsync(_config.Host, JsonSerializer.SerializeToUtf8Bytes(Record(decisions, now), FleetJson.Default.HostRecord),
                            NatsRawSerializer<byte[]>.Default, cancel).ConfigureAwait(false);
                        heartbeat = now;
                    }
                    List<FleetOutbox.Change> changes;
                    if (snapshot)
                    {
                        changes = outbox.Snapshot(_time.GetUtcNow());
                        // Streamed from the bucket (an ordered consumer over this host's keys), never listed whole.
                        var unknownChunks = new List<string>();
                        await foreach (var key in kv.GetKeysAsync([FleetKey.HostFilter(_config.Host)], cancellationToken: cancel).ConfigureAwait(false))
                        {
                            if (outbox.Stale(key) is { } stale)
                            {
                                changes.Add(stale);
                            }
                            else if (FleetKey.TryParseChunk(key, out _) && !outbox.Knows(key))
                            {
                                unknownChunks.Add(key);
                            }
                        }
                        // A chunk put before a restart: its bans count as published (not put again), those revoked
                        // meanwhile get their own key's deletion. Read after the key listing has ended.
                        foreach (var key in unknownChunks)
                        {
                            var entry = await kv.GetEntryAsync(key, serializer: NatsRawSerializer<byte[]>.Default, cancellationToken: cancel).ConfigureAwait(false);
                            changes.AddRange(outbox.Adopt(key, entry.Value ?? [], _time.GetUtcNow()));
                        }
                    }
                    else
                    {
                        changes = outbox.Changes(_time.GetUtcNow());
                    }
                    var read = _time.GetUtcNow() - now;
                    await WriteAsync(kv, js, outbox, changes, cancel).ConfigureAwait(false);
                    if (changes.Count > 0)
                    {
                        _log.RoundPublished(changes.Count, now, read, _time.GetUtcNow() - now - read);
                    }
                    snapshot = false;
                    if (now - evidenceRound >= EvidenceEvery && !outbox.Behind)
                    {
                        evidenceRound = now;
                        evidenceOpen = await PublishEvidenceAsync(js, watchStore, incidents, evidence, evidenceOpen, cancel).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is NatsException or TimeoutException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
                {
                    // Nothing is lost: the store still holds it, and the snapshot after this puts what is missing.
                    Status.LastError = FleetConnection.Describe(e);
                    snapshot = true;
                }
            }
            else
            {
                Status.Connected = false;
                snapshot = true;
            }
            if (snapshot || !outbox.Behind)
            {
                await Task.Delay(PublishEvery, _time, cancel).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Publishes the outages and alert summaries the stream does not have yet. A stream this host may not create or write
    /// (rights, an old server) costs the evidence only, never the decisions: it is logged and retried next round.
    /// Returns whether the stream is known to exist.
    /// </summary>
    private async Task<bool> PublishEvidenceAsync(NatsJSContext js, Store.Watch.WatchStore store, Store.Incidents.IncidentStore incidents, Evidence.EvidenceOutbox outbox, bool open, CancellationToken cancel)
    {
        try
        {
            if (!open)
            {
                await Evidence.FleetEvidence.OpenAsync(js, _config.Replicas, cancel).ConfigureAwait(false);
            }
            foreach (var (subject, record) in outbox.Changes(store.Outages(), store.Actions(), incidents.List(_time.GetUtcNow().UtcDateTime - Evidence.FleetEvidence.MaxAge)))
            {
                await Evidence.FleetEvidence.PublishAsync(js, subject, record, cancel).ConfigureAwait(false);
                outbox.Done(subject, record);
            }
            return true;
        }
        catch (Exception e) when (e is NatsException or TimeoutException || (e is OperationCanceledException && !cancel.IsCancellationRequested))
        {
            Status.LastError = "evidence stream: " + FleetConnection.Describe(e);
            _log.Unavailable(Status.LastError);
            return false;
        }
    }

    private Hosts.HostRecord Record(DecisionStore decisions, DateTimeOffset now)
    {
        var byOrigin = decisions.InForceByOrigin(now).GroupBy(g => g.Origin, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(x => x.Count), StringComparer.Ordinal);
        return new Hosts.HostRecord
        {
            Host = _config.Host,
            Version = Version,
            Seen = now,
            BansInForce = decisions.CountInForce(now),
            BansByOrigin = byOrigin,
            Applied = Status.Applied,
            Refused = Status.Refused,
        };
    }

    private async Task WriteAsync(INatsKVStore kv, NatsJSContext js, FleetOutbox outbox, List<FleetOutbox.Change> changes, CancellationToken cancel)
    {
        bool keyTtl = Status.KeyTtl;
        // Last change per key wins, so writes in flight together never race on one key.
        var last = new Dictionary<string, FleetOutbox.Change>(StringComparer.Ordinal);
        foreach (var c in changes)
        {
            last[c.Key] = c;
        }
        var todo = last.Values.Where(c => !outbox.Redundant(c)).ToList();
        // A burst goes out as chunks of bans (FleetChunk): 50 puts for 100,000 bans instead of 100,000 acked puts.
        var puts = todo.Where(c => c.Value is not null).ToList();
        var chunks = puts.Count >= FleetChunk.From ? outbox.Chunks(puts, _time.GetUtcNow()) : [];
        if (chunks.Count > 0)
        {
            todo = [.. todo.Where(c => c.Value is null)];
        }
        int put = 0, deleted = 0;
        // A sliding window, not batches of writes: a batch would wait for its slowest ack before the next one starts,
        // leaving the window empty meanwhile. Acks come back roughly in order, so the oldest is the one awaited.
        var window = new Queue<(Action Done, Task Write)>(InFlight);
        try
        {
            foreach (var chunk in chunks)
            {
                if (window.Count == InFlight)
                {
                    await Oldest(window).ConfigureAwait(false);
                }
                window.Enqueue((() => { outbox.Done(chunk); put += chunk.Members.Count; },
                    PutAsync(kv, js, keyTtl, chunk.Key, FleetChunk.Value([.. chunk.Members.Select(m => m.Value!)]), chunk.Expires, cancel)));
            }
            foreach (var c in todo)
            {
                if (window.Count == InFlight)
                {
                    await Oldest(window).ConfigureAwait(false);
                }
                window.Enqueue((() => Complete(c), c.Value is null
                    ? kv.DeleteAsync(c.Key, cancellationToken: cancel).AsTask()
                    : PutAsync(kv, js, keyTtl, c.Key, JsonSerializer.SerializeToUtf8Bytes(c.Value, FleetJson.Default.FleetDecision), c.Value.Expires, cancel)));
            }
            while (window.Count > 0)
            {
                await Oldest(window).ConfigureAwait(false);
            }
        }
        finally
        {
            // A failed write ends the round (the caller re-snapshots); the writes still in flight are waited for, not
            // observed: their outcome is re-read from the bucket by that snapshot.
            await Task.WhenAll(window.Select(w => w.Write)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }

        void Complete(FleetOutbox.Change c)
        {
            outbox.Done(c);
            if (c.Value is null)
            {
                deleted++;
            }
            else
            {
                put++;
            }
        }
        if (put + deleted > 0)
        {
            Status.AddPublished(put, deleted);
            _log.Published(put, deleted);
        }
    }

    /// <summary>
    /// One put (a ban, or a chunk of bans ending at <paramref name="expires"/> at the latest): a plain KV put, or, where
    /// <paramref name="keyTtl"/>, the same publish on the key's subject with a <see cref="KeyTtl.Header"/> (NATS.Net's KV
    /// puts take no TTL; only its create does, which fails on a renewal). Clients keep TTLs off puts because an expired
    /// latest revision could bring back an older one; the bucket keeps one revision per key, so there is none to bring back.
    /// </summary>
    private async Task PutAsync(INatsKVStore kv, NatsJSContext js, bool keyTtl, string key, byte[] bytes, DateTimeOffset expires, CancellationToken cancel)
    {
        var ttl = keyTtl ? KeyTtl.For(expires, _time.GetUtcNow()) : null;
        if (ttl is null)
        {
            await kv.PutAsync(key, bytes, NatsRawSerializer<byte[]>.Default, cancel).ConfigureAwait(false);
            return;
        }
        var ack = await js.PublishAsync($"$KV.{_config.Bucket}.{key}", bytes, NatsRawSerializer<byte[]>.Default,
            headers: new NatsHeaders { [KeyTtl.Header] = ttl }, cancellationToken: cancel).ConfigureAwait(false);
        ack.EnsureSuccess();
    }

    /// <summary>Waits for the oldest write in the window and records it as done.</summary>
    private static async Task Oldest(Queue<(Action Done, Task Write)> window)
    {
        var (done, write) = window.Peek();
        await write.ConfigureAwait(false);
        window.Dequeue();
        done();
    }

    /// <summary>
    /// Watches every key and applies the other hosts' bans in batches (<see cref="FleetBatch"/>). The watch
    /// (<see cref="FleetWatch"/>) holds no consumer on the server past a snapshot: the current values from a short-lived
    /// ordered consumer, then the live changes over a plain subscription, re-snapshotting after any gap; a short bounded
    /// queue of entries slows the snapshot (flow control) when applying falls behind.
    /// </summary>
    private async Task ReceiveAsync(NatsConnection nats, IFleetEnforcement enforcement, CancellationToken cancel)
    {
        var inbox = new FleetInbox(_config.Host, _config.Accept);
        inbox.Seed(enforcement.InForce());
        var batch = new FleetBatch();
        // Entries, not bans: a chunk entry holds up to FleetChunk.MaxBans of them (and up to 1 MB), so the queue is short.
        var queue = Channel.CreateBounded<NatsKVEntry<byte[]>>(new BoundedChannelOptions(QueuedEntries) { SingleReader = true, SingleWriter = true });
        var members = new List<(FleetVerdict Verdict, FleetBan? Ban)>(FleetChunk.MaxReceived);
        var watch = Task.Run(async () =>
        {
            try
            {
                await new FleetWatch(nats, _config.Bucket, _time, _log).RunAsync(queue.Writer, cancel).ConfigureAwait(false);
            }
            finally
            {
                queue.Writer.TryComplete();
            }
        }, cancel);
        bool open = true, caughtUp = false, backlog = false;
        while (open)
        {
            while (!batch.Full && queue.Reader.TryRead(out var e))
            {
                if (FleetWatch.IsSnapshotEnd(e))
                {
                    caughtUp = true;
                    continue;
                }
                var now = _time.GetUtcNow();
                bool deleted = e.Operation is NatsKVOperation.Del or NatsKVOperation.Purge;
                // More entries wait on the server (a snapshot, a burst): the batch keeps collecting them (FleetBatch's
                // backlog window), so a late joiner stores and loads 100,000 bans in a few large batches.
                backlog = e.Delta > 0;
                if (FleetKey.TryParseChunk(e.Key, out _))
                {
                    ReceiveChunk(e.Key, deleted, e.Value ?? [], now, inbox, batch, members, enforcement);
                    continue;
                }
                long judging = Stopwatch.GetTimestamp();
                var verdict = inbox.Judge(e.Key, deleted, e.Value ?? [], now, out var ban);
                _judged += Stopwatch.GetElapsedTime(judging);
                Status.Count(verdict);
                if (verdict == FleetVerdict.Apply)
                {
                    batch.Add(ban!, now);
                }
                else if (verdict == FleetVerdict.Nothing && deleted)
                {
                    // Revoked before it was applied here (a late joiner reads a chunk, then its publisher's later
                    // deletion of one of the chunk's targets): it is not applied at all.
                    batch.Remove(e.Key);
                }
                else if (verdict == FleetVerdict.Revoke)
                {
                    // A ban still waiting in this batch goes in first: the revocation came after it.
                    Flush(enforcement, inbox, batch);
                    if (enforcement.Revoke(ban!))
                    {
                        Status.AddRevoked();
                        _log.Received(0, 0, 1);
                    }
                    inbox.Revoked(ban!.Key);
                }
            }
            var wait = batch.Remaining(_time.GetUtcNow(), backlog);
            if (batch.Count == 0 || wait > TimeSpan.Zero)
            {
                // Nothing due yet: wait for more entries, or for the window of the batch already begun to end.
                open = await MoreAsync(queue.Reader, batch.Count == 0 ? Timeout.InfiniteTimeSpan : wait, cancel).ConfigureAwait(false);
            }
            if (batch.Due(_time.GetUtcNow(), backlog))
            {
                Flush(enforcement, inbox, batch);
            }
            // Synced once everything the snapshot delivered is applied, not merely read.
            if (caughtUp && batch.Count == 0)
            {
                Status.Synced = true;
            }
        }
        Flush(enforcement, inbox, batch);
        await watch.ConfigureAwait(false);
    }

    /// <summary>Time spent judging the entries of the batch being collected (for the log); the receive loop's own.</summary>
    private TimeSpan _judged;

    /// <summary>Entries waiting between the watch and the batching loop at most.</summary>
    private const int QueuedEntries = 128;

    /// <summary>
    /// One chunk entry: each ban judged as a single key's would be (<see cref="FleetInbox.JudgeChunk"/>), the chunk's
    /// accepted bans put in one batch (the batch before is applied first when they would not fit). A refused chunk
    /// counts once.
    /// </summary>
    private void ReceiveChunk(string key, bool deleted, byte[] value, DateTimeOffset now, FleetInbox inbox, FleetBatch batch,
        List<(FleetVerdict Verdict, FleetBan? Ban)> members, IFleetEnforcement enforcement)
    {
        members.Clear();
        long judging = Stopwatch.GetTimestamp();
        var verdict = inbox.JudgeChunk(key, deleted, value, now, members);
        var judged = Stopwatch.GetElapsedTime(judging);
        _log.ChunkReceived(key, members.Count, now, judged);
        if (verdict != FleetVerdict.Apply)
        {
            Status.Count(verdict);
            return;
        }
        if (!batch.Fits(members.Count))
        {
            Flush(enforcement, inbox, batch);
        }
        _judged += judged;
        foreach (var (v, ban) in members)
        {
            Status.Count(v);
            if (v == FleetVerdict.Apply)
            {
                batch.Add(ban!, now);
            }
        }
    }

    /// <summary>Waits until the queue has an entry or <paramref name="wait"/> passes; false once the watch has ended.</summary>
    private async Task<bool> MoreAsync(ChannelReader<NatsKVEntry<byte[]>> reader, TimeSpan wait, CancellationToken cancel)
    {
        if (wait == Timeout.InfiniteTimeSpan)
        {
            return await reader.WaitToReadAsync(cancel).ConfigureAwait(false);
        }
        using var timeout = new CancellationTokenSource(wait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancel, timeout.Token);
        try
        {
            return await reader.WaitToReadAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // The window ended with nothing new: the batch is due.
            return true;
        }
    }

    private void Flush(IFleetEnforcement enforcement, FleetInbox inbox, FleetBatch batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        var opened = batch.Opened;
        var waited = _time.GetUtcNow() - opened;
        var judged = _judged;
        _judged = TimeSpan.Zero;
        var apply = batch.Take();
        long applying = Stopwatch.GetTimestamp();
        var done = enforcement.Ban(apply);
        _log.BatchApplied(apply.Count, opened, waited, judged, Stopwatch.GetElapsedTime(applying));
        int applied = done.Count(x => x);
        foreach (var b in apply)
        {
            inbox.Applied(b);
        }
        Status.AddApplied(applied, apply.Count - applied);
        _log.Received(applied, apply.Count - applied, 0);
    }
}
