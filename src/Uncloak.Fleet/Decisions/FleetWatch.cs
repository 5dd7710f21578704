using System.Globalization;
using System.Threading.Channels;
using NATS.Client.Core;
using NATS.Client.JetStream;
using NATS.Client.JetStream.Models;
using NATS.Client.KeyValueStore;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// The receiving side's view of the shared-bans bucket without a server-side consumer per agent. A KV watch is an
/// ordered consumer held for as long as the agent runs: ≈ 70–95 KiB of cluster memory each and a fan-out 5–7× slower
/// than plain subscriptions at 10,000 agents (docs/PERFORMANCE.md, Fleet). Here the live changes come over a core-NATS
/// subscription — to the bucket's RePublish subject when its stream has one (every message stamped with its stream
/// sequence, so a missed one shows), else to the bucket's own subjects — and the current values come from a
/// short-lived ordered consumer, deleted as soon as it has delivered everything the stream held:
/// subscribe first (the subscription buffers), snapshot, then the buffered and later live messages above the snapshot's
/// sequence. A gap in the sequence, a message dropped by a full buffer or a reconnect starts a new snapshot; what the
/// snapshot brings again is recognised as a duplicate by <see cref="FleetInbox"/>.
/// </summary>
internal sealed class FleetWatch
{
    /// <summary>Live messages held while a snapshot runs (or applying lags); one more is dropped and means a new snapshot.</summary>
    public const int LiveBuffer = 65_536;

    /// <summary>A snapshot that delivers nothing for this long is abandoned and begun again (its messages were removed meanwhile, or the node went away).</summary>
    public static readonly TimeSpan SnapshotIdle = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait before a new snapshot after one failed (a node lost, a request timed out).</summary>
    public static readonly TimeSpan RetryEvery = TimeSpan.FromSeconds(1);

    private readonly NatsConnection _nats;
    private readonly NatsJSContext _js;
    private readonly string _bucket;
    private readonly string _stream;
    private readonly TimeProvider _time;
    private readonly IFleetLog _log;

    public FleetWatch(NatsConnection nats, string bucket, TimeProvider time, IFleetLog log)
    {
        _log = log;
        _nats = nats;
        _js = new NatsJSContext(nats);
        _bucket = bucket;
        _stream = "KV_" + bucket;
        _time = time;
    }

    /// <summary>The subject prefix a bucket's RePublish sends to when this agent creates the bucket: <c>uncloak.live.&lt;bucket&gt;</c>.</summary>
    public static string LiveSubject(string bucket) => "uncloak.live." + bucket;

    /// <summary>The RePublish a bucket is created with: every key's change, headers and value, to <see cref="LiveSubject"/>.</summary>
    public static NatsKVRepublish Republish(string bucket) => new() { Src = $"$KV.{bucket}.>", Dest = LiveSubject(bucket) + ".>" };

    /// <summary>True for the entry that ends a snapshot: no key, everything the stream held before it is in the queue.</summary>
    public static bool IsSnapshotEnd(in NatsKVEntry<byte[]> entry) => entry.Key.Length == 0;

    /// <summary>
    /// Writes the bucket's entries to <paramref name="queue"/> until <paramref name="cancel"/>: each snapshot's values
    /// (their <c>Delta</c> the messages still to come, then an <see cref="IsSnapshotEnd"/> marker), then the live
    /// changes (Delta 0). Bus trouble after the first read of the stream's config is retried here; a failure of that read
    /// ends it (the agent then reconnects), as does cancellation.
    /// </summary>
    public async Task RunAsync(ChannelWriter<NatsKVEntry<byte[]>> queue, CancellationToken cancel)
    {
        var config = (await _js.GetStreamAsync(_stream, cancellationToken: cancel).ConfigureAwait(false)).Info.Config;
        var (subject, sequenced) = LiveSource(_bucket, config);
        string prefix = subject[..^1];
        string? reason = "start";
        while (!cancel.IsCancellationRequested)
        {
            using var again = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            object? current = null;
            _log.Snapshot(subject, sequenced, reason ?? "live ended");
            reason = null;
            ValueTask Reconnected(object? sender, NatsEventArgs e)
            {
                reason ??= "reconnected";
                return Restart(again);
            }
            ValueTask Dropped(object? sender, NatsMessageDroppedEventArgs e)
            {
                if (ReferenceEquals(e.Subscription, current))
                {
                    reason ??= "live buffer full";
                    return Restart(again);
                }
                return ValueTask.CompletedTask;
            }
            _nats.ConnectionOpened += Reconnected;
            _nats.MessageDropped += Dropped;
            try
            {
                var opts = new NatsSubOpts { ChannelOpts = new NatsSubChannelOpts { Capacity = LiveBuffer, FullMode = BoundedChannelFullMode.DropNewest } };
                await using var sub = await _nats.SubscribeCoreAsync(subject, serializer: NatsRawSerializer<byte[]>.Default, opts: opts, cancellationToken: again.Token).ConfigureAwait(false);
                current = sub;
                // A round trip: the server has the subscription before the snapshot starts, so nothing stored after the
                // snapshot's start can miss both.
                await _nats.PingAsync(again.Token).ConfigureAwait(false);
                var sequence = new LiveSequence(await SnapshotAsync(queue, again.Token).ConfigureAwait(false));
                await foreach (var msg in sub.Msgs.ReadAllAsync(again.Token).ConfigureAwait(false))
                {
                    // A republished message without a readable sequence cannot be placed: treated as a gap, never skipped.
                    var step = !sequenced ? LiveStep.Apply : Sequence(msg.Headers) is { } s ? sequence.Next(s) : LiveStep.Gap;
                    if (step == LiveStep.Old)
                    {
                        continue;
                    }
                    if (step == LiveStep.Gap)
                    {
                        reason = $"missed a live change (sequence {sequence.Last + 1})";
                        break;
                    }
                    if (msg.Subject.Length > prefix.Length)
                    {
                        await queue.WriteAsync(Entry(msg.Subject[prefix.Length..], msg.Headers, msg.Data, sequence.Last, 0), cancel).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                // Ended by a reconnect or a dropped message, whose handler gave the reason.
                reason ??= "interrupted";
            }
            catch (Exception e) when (e is NatsException or TimeoutException && !cancel.IsCancellationRequested)
            {
                reason = FleetConnection.Describe(e);
                await Task.Delay(RetryEvery, _time, cancel).ConfigureAwait(false);
            }
            finally
            {
                _nats.ConnectionOpened -= Reconnected;
                _nats.MessageDropped -= Dropped;
            }
        }
    }

    /// <summary>Ends the current round (snapshot or live), from the client's event thread.</summary>
    private static ValueTask Restart(CancellationTokenSource round)
    {
        try
        {
            round.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The event came as the round ended on its own: the next round snapshots anyway.
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The live subject and whether its messages carry stream sequences: the stream's RePublish destination when it
    /// republishes the whole bucket (headers included), else the bucket's own subjects (a bucket made by an older agent
    /// or an admin without <c>--republish-*</c>; nats-server 2.9 cannot add a RePublish to an existing stream).
    /// </summary>
    internal static (string Subject, bool Sequenced) LiveSource(string bucket, StreamConfig config)
    {
        var r = config.Republish;
        string all = $"$KV.{bucket}.>";
        if (r is { HeadersOnly: false } && (r.Src is "" or ">" || r.Src == all) && r.Dest.EndsWith(".>", StringComparison.Ordinal))
        {
            return (r.Dest, true);
        }
        return (all, false);
    }

    /// <summary>
    /// Streams every value the bucket holds into <paramref name="queue"/> through an ordered consumer that is deleted
    /// when it has delivered the last message the stream held (<c>NumPending</c> 0), then the end marker. Returns the
    /// stream sequence reached. The consumer is flow-controlled by the queue: a join never holds the bucket in memory.
    /// </summary>
    private async Task<ulong> SnapshotAsync(ChannelWriter<NatsKVEntry<byte[]>> queue, CancellationToken cancel)
    {
        var state = (await _js.GetStreamAsync(_stream, cancellationToken: cancel).ConfigureAwait(false)).Info.State;
        ulong reached = state.LastSeq;
        if (state.Messages > 0)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            idle.CancelAfter(SnapshotIdle);
            // DeliverPolicy All without a filter: a bucket's stream holds only its keys, and with one revision per key
            // All is the last value of each; nats-server 2.9 takes neither filter_subjects nor a filterless LastPerSubject.
            var consumer = await _js.CreateOrderedConsumerAsync(_stream, new NatsJSOrderedConsumerOpts { DeliverPolicy = ConsumerConfigDeliverPolicy.All }, idle.Token).ConfigureAwait(false);
            string prefix = $"$KV.{_bucket}.";
            bool complete = false;
            await foreach (var msg in consumer.ConsumeAsync(NatsRawSerializer<byte[]>.Default, cancellationToken: idle.Token).ConfigureAwait(false))
            {
                if (msg.Metadata is not { } meta)
                {
                    continue;
                }
                reached = meta.Sequence.Stream;
                if (msg.Subject.Length > prefix.Length && msg.Subject.StartsWith(prefix, StringComparison.Ordinal))
                {
                    await queue.WriteAsync(Entry(msg.Subject[prefix.Length..], msg.Headers, msg.Data, reached, meta.NumPending), cancel).ConfigureAwait(false);
                }
                if (meta.NumPending == 0)
                {
                    complete = true;
                    break;
                }
                // Counted from here: the time spent waiting for the receive queue (applying) is not the consumer stalling.
                idle.CancelAfter(SnapshotIdle);
            }
            // The client's ordered consume ends quietly when its token is cancelled: a snapshot cut short must not pass
            // for a complete one.
            if (!complete)
            {
                cancel.ThrowIfCancellationRequested();
                throw new TimeoutException($"the snapshot stopped at sequence {reached} before the stream's last message");
            }
        }
        await queue.WriteAsync(new NatsKVEntry<byte[]>(_bucket, "") { Revision = reached }, cancel).ConfigureAwait(false);
        return reached;
    }

    private NatsKVEntry<byte[]> Entry(string key, NatsHeaders? headers, byte[]? value, ulong revision, ulong delta)
        => new(_bucket, key) { Value = value, Revision = revision, Delta = delta, Operation = Operation(headers) };

    /// <summary>A KV delete or purge marker, as the KV client reads it (2.11's server markers too).</summary>
    internal static NatsKVOperation Operation(NatsHeaders? headers)
    {
        if (headers is null)
        {
            return NatsKVOperation.Put;
        }
        if (headers.TryGetValue("KV-Operation", out var op))
        {
            return op.ToString() switch
            {
                "DEL" => NatsKVOperation.Del,
                "PURGE" => NatsKVOperation.Purge,
                _ => NatsKVOperation.Put,
            };
        }
        if (headers.TryGetValue("Nats-Marker-Reason", out var marker))
        {
            return marker.ToString() switch
            {
                "MaxAge" or "Purge" => NatsKVOperation.Purge,
                "Remove" => NatsKVOperation.Del,
                _ => NatsKVOperation.Put,
            };
        }
        return NatsKVOperation.Put;
    }

    /// <summary>The stream sequence a republished message carries; null when it is missing or unreadable.</summary>
    internal static ulong? Sequence(NatsHeaders? headers)
        => headers is not null && headers.TryGetValue("Nats-Sequence", out var v)
            && ulong.TryParse(v.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out ulong s) ? s : null;
}
