using System.Globalization;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Store;

namespace Uncloak.Fleet.Decisions;

/// <summary>
/// What this host must publish, read from its decision store: the store is the outbox. A ban decided while the bus is
/// down stays in the store, and the next <see cref="Snapshot"/> (on every (re)connect) puts it; the queue is therefore on
/// disk and bounded by the store's own retention, and a restart loses nothing. Between snapshots <see cref="Changes"/>
/// follows the table by id (new decisions) and by renewal/revocation time. Bans received from the fleet
/// (<c>fleet:*</c>), refused decisions and those the share filter leaves out are never published. A burst is published
/// as chunks (<see cref="Chunks"/>, <see cref="FleetChunk"/>): their bans count as published under their own keys, so a
/// revocation deletes the target's own key (a marker after the chunk in the stream), while their expiry deletes nothing
/// but the chunk, once every ban in it has expired. Not thread-safe.
/// </summary>
public sealed class FleetOutbox
{
    /// <summary>
    /// New decisions read per <see cref="Changes"/> call: a 100,000-ban import is published in one round of 50 chunks,
    /// all in flight together (each round waits for its slowest put and reads the store again: 5 rounds of 20,000 had
    /// receivers apply the burst in 2–4 batches, each a pass over the bans in force, ≈ 1 s later on a quiet machine).
    /// As large as a receiver's batch (FleetBatch.DefaultMax), so one round is one batch there. A single ban decided
    /// during such a round waits for it (≈ a second), as it would have waited for the rounds before it.
    /// </summary>
    public const int Slice = 100_000;

    /// <summary>Renewals and revocations are re-read this far back: another process's clock stamp may trail ours a little.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(2);

    private readonly DecisionStore _store;
    private readonly string _host;
    private readonly FleetFilter _share;
    private readonly Dictionary<string, DateTimeOffset> _published = new(StringComparer.Ordinal);

    /// <summary>Published keys whose value went out in a chunk (key → chunk key), not under the key itself.</summary>
    private readonly Dictionary<string, string> _chunked = new(StringComparer.Ordinal);

    /// <summary>Chunks in the bucket (chunk key → the latest expiry of a ban it holds): deleted once that has passed.</summary>
    private readonly Dictionary<string, DateTimeOffset> _chunks = new(StringComparer.Ordinal);

    /// <summary>Keys found in the bucket that nothing backs (<see cref="Stale"/>): their deletion is due even though this process never put them.</summary>
    private readonly HashSet<string> _stale = new(StringComparer.Ordinal);

    private Dictionary<string, DateTimeOffset> _desired = new(StringComparer.Ordinal);
    private long _chunkSequence;
    private long _afterId;
    private DateTimeOffset _since;

    public FleetOutbox(DecisionStore store, string host, FleetFilter share)
    {
        _store = store;
        _host = host;
        _share = share;
    }

    /// <summary>
    /// True when the last <see cref="Changes"/> read a full <see cref="Slice"/> of new decisions, so more are waiting in
    /// the store: the publisher goes round again at once instead of pausing (a 100,000-ban import is not paced at one
    /// slice per publish interval).
    /// </summary>
    public bool Behind { get; private set; }

    /// <summary>One change for the bucket: a value to put, or null to delete the key.</summary>
    public readonly record struct Change(string Key, FleetDecision? Value);

    /// <summary>Bans put together under one chunk key; each member keeps its own key (where a later change of it goes).</summary>
    public sealed record Chunk(string Key, IReadOnlyList<Change> Members)
    {
        /// <summary>When the last of its bans ends: the chunk is deleted then.</summary>
        public DateTimeOffset Expires => Members.Max(m => m.Value!.Expires);
    }

    /// <summary>
    /// Everything this host shares now, by key, as puts; resets the follow position to the store's end. The keys this host
    /// has in the bucket are then streamed through <see cref="Stale"/>, one at a time, so the bucket's side is never held
    /// whole (only the store's side, which the puts need anyway).
    /// </summary>
    public List<Change> Snapshot(DateTimeOffset now)
    {
        _afterId = _store.LastId();
        _since = now;
        Behind = false;
        _stale.Clear();
        var desired = new Dictionary<string, FleetDecision>(StringComparer.Ordinal);
        foreach (var d in _store.InForce(now))
        {
            if (Shareable(d))
            {
                desired[FleetKey.For(_host, d.Target)] = Value(d);
            }
        }
        _desired = desired.ToDictionary(p => p.Key, p => p.Value.Expires, StringComparer.Ordinal);
        return [.. desired.Select(p => new Change(p.Key, p.Value))];
    }

    /// <summary>
    /// For one of this host's keys found in the bucket after <see cref="Snapshot"/>: its deletion when nothing in force
    /// backs it any more, else null. A chunk key is never stale here: one this outbox put is deleted when its bans have
    /// expired, and one it does not know (put before a restart) is read and given to <see cref="Adopt"/>.
    /// </summary>
    public Change? Stale(string key)
    {
        if (_desired.ContainsKey(key) || FleetKey.TryParseChunk(key, out _))
        {
            return null;
        }
        _stale.Add(key);
        return new Change(key, null);
    }

    /// <summary>True when <paramref name="chunkKey"/> is a chunk this outbox put or adopted.</summary>
    public bool Knows(string chunkKey) => _chunks.ContainsKey(chunkKey);

    /// <summary>
    /// Takes over one of this host's chunks found in the bucket that this outbox does not know (put before a restart), so
    /// its bans count as published and are not put again: each ban still wanted with the same expiry is adopted; one
    /// not in force here any more though its expiry has not passed (revoked while this host was away) gets its key's
    /// deletion, which receivers apply after the chunk; one wanted with another expiry is left to the snapshot's put.
    /// When none is adopted the chunk itself is deleted. A value that is not a chunk is deleted too.
    /// </summary>
    public List<Change> Adopt(string chunkKey, ReadOnlySpan<byte> value, DateTimeOffset now)
    {
        var changes = new List<Change>();
        var last = DateTimeOffset.MinValue;
        if (FleetChunk.TryRead(value, out var bans))
        {
            foreach (var d in bans)
            {
                if (!BanTarget.TryParse(d.Target, out var target, 128) || d.Origin != _host || d.Expires <= now)
                {
                    continue;
                }
                var key = FleetKey.For(_host, target);
                if (_desired.TryGetValue(key, out var wanted))
                {
                    if ((wanted - d.Expires).Duration() < SameExpiry)
                    {
                        _published[key] = d.Expires;
                        _chunked[key] = chunkKey;
                        last = d.Expires > last ? d.Expires : last;
                    }
                }
                else if (!_published.ContainsKey(key))
                {
                    _published[key] = d.Expires;
                    _chunked[key] = chunkKey;
                    changes.Add(new Change(key, null));
                }
            }
        }
        _chunks[chunkKey] = last;
        if (last == DateTimeOffset.MinValue)
        {
            changes.Add(new Change(chunkKey, null));
        }
        return changes;
    }

    /// <summary>
    /// Groups <paramref name="puts"/> (values to put, at least <see cref="FleetChunk.From"/> of them in a round) into chunks
    /// of at most <see cref="FleetChunk.MaxBans"/>, each under a key of its own that no earlier chunk of this host used
    /// (the round's time and a sequence number). The caller puts each and reports it with <see cref="Done(Chunk)"/>.
    /// </summary>
    public List<Chunk> Chunks(IReadOnlyList<Change> puts, DateTimeOffset now)
    {
        var chunks = new List<Chunk>();
        for (int i = 0; i < puts.Count; i += FleetChunk.MaxBans)
        {
            var id = string.Create(CultureInfo.InvariantCulture, $"{now.ToUnixTimeMilliseconds()}-{_chunkSequence++}");
            chunks.Add(new Chunk(FleetKey.Chunk(_host, id), [.. puts.Skip(i).Take(FleetChunk.MaxBans)]));
        }
        return chunks;
    }

    /// <summary>Records that the bucket took <paramref name="chunk"/>: its bans are published, under the chunk.</summary>
    public void Done(Chunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        foreach (var m in chunk.Members)
        {
            _published[m.Key] = m.Value!.Expires;
            _chunked[m.Key] = chunk.Key;
        }
        _chunks[chunk.Key] = chunk.Expires;
    }

    /// <summary>Two expiries closer than this are the same ban (as a receiver's inbox and the ban workflow judge them).</summary>
    private static readonly TimeSpan SameExpiry = TimeSpan.FromSeconds(1);

    /// <summary>Decisions stored, renewed or revoked since the last call (or snapshot), as bucket changes.</summary>
    public List<Change> Changes(DateTimeOffset now)
    {
        var changes = new List<Change>();
        // Read first: every decision up to this id is committed (SQLite has one writer, ids grow in commit order), so
        // a read that is not a full slice has seen all of this host's own up to it, and the received bans between
        // them (left out in SQL) are passed for good instead of being scanned again at every call.
        long end = _store.LastId();
        var fresh = _store.After(_afterId, Slice, FleetInbox.OriginPrefix);
        var changed = _store.ChangedSince(_afterId, _since - Overlap, now);
        if (fresh.Count > 0)
        {
            _afterId = fresh[^1].Id;
        }
        Behind = fresh.Count >= Slice;
        if (!Behind)
        {
            _afterId = Math.Max(_afterId, end);
        }
        // Only the newest read advances the clock: a slice left for the next call keeps its renewals in view.
        _since = now;
        foreach (var d in changed.Concat(fresh))
        {
            var key = FleetKey.For(_host, d.Target);
            if (d.IsInForceAt(now) && Shareable(d))
            {
                changes.Add(new Change(key, Value(d)));
            }
            else if (d.Status == DecisionStatus.Revoked && _published.ContainsKey(key) && Shareable(d))
            {
                changes.Add(new Change(key, null));
            }
        }
        // Debian's nats-server has no per-key TTL: an expired ban's key is deleted by its publisher, so the bucket
        // (and every late joiner's snapshot) holds only bans in force. A ban that went out in a chunk has no key of its
        // own to delete: its chunk goes once all of the chunk's bans have expired.
        List<string>? expiredInChunks = null;
        foreach (var (key, expires) in _published)
        {
            if (expires > now)
            {
                continue;
            }
            if (_chunked.ContainsKey(key))
            {
                (expiredInChunks ??= []).Add(key);
            }
            else
            {
                changes.Add(new Change(key, null));
            }
        }
        foreach (var key in expiredInChunks ?? [])
        {
            _published.Remove(key);
            _chunked.Remove(key);
        }
        foreach (var (key, expires) in _chunks)
        {
            if (expires <= now)
            {
                changes.Add(new Change(key, null));
            }
        }
        return changes;
    }

    /// <summary>True when <paramref name="change"/> would tell the bucket nothing new (the same expiry was put, or the key is already gone).</summary>
    public bool Redundant(Change change)
        => change.Value is null ? !_published.ContainsKey(change.Key) && !_chunks.ContainsKey(change.Key) && !_stale.Contains(change.Key)
            : _published.TryGetValue(change.Key, out var e) && (change.Value.Expires - e).Duration() < TimeSpan.FromSeconds(1);

    /// <summary>Records that the bucket took <paramref name="change"/>.</summary>
    public void Done(Change change)
    {
        _chunked.Remove(change.Key);
        if (change.Value is null)
        {
            _published.Remove(change.Key);
            _chunks.Remove(change.Key);
            _stale.Remove(change.Key);
        }
        else
        {
            _published[change.Key] = change.Value.Expires;
        }
    }

    /// <summary>Forgets what was published, so the next snapshot puts everything again (after the bucket may have lost writes).</summary>
    public void Forget()
    {
        _published.Clear();
        _chunked.Clear();
        _chunks.Clear();
        _stale.Clear();
    }

    private bool Shareable(Decision d)
        => !d.Origin.StartsWith(FleetInbox.OriginPrefix, StringComparison.Ordinal) && _share.Passes(d.Scenario, d.Origin);

    private FleetDecision Value(Decision d) => new()
    {
        Target = d.Target.ToString(),
        Expires = d.Expires,
        Origin = _host,
        Scenario = d.Scenario,
        Reason = d.Reason,
        Evidence = d.Evidence is { } e
            ? string.Create(CultureInfo.InvariantCulture, $"{d.Origin}: {e.Events} event(s) from {e.First:yyyy-MM-ddTHH:mm:ssZ}")
            : d.Origin,
    };
}
