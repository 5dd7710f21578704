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
/// (<c>fleet:*</c>), refused decisions and those the share filter leaves out are never published. Not thread-safe.
/// </summary>
public sealed class FleetOutbox
{
    /// <summary>New decisions read per <see cref="Changes"/> call: a 100,000-ban import is published in slices.</summary>
    public const int Slice = 5000;

    /// <summary>Renewals and revocations are re-read this far back: another process's clock stamp may trail ours a little.</summary>
    private static readonly TimeSpan Overlap = TimeSpan.FromSeconds(2);

    private readonly DecisionStore _store;
    private readonly string _host;
    private readonly FleetFilter _share;
    private readonly Dictionary<string, DateTimeOffset> _published = new(StringComparer.Ordinal);
    private HashSet<string> _desired = new(StringComparer.Ordinal);
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
        var desired = new Dictionary<string, FleetDecision>(StringComparer.Ordinal);
        foreach (var d in _store.InForce(now))
        {
            if (Shareable(d))
            {
                desired[FleetKey.For(_host, d.Target)] = Value(d);
            }
        }
        _desired = desired.Keys.ToHashSet(StringComparer.Ordinal);
        return [.. desired.Select(p => new Change(p.Key, p.Value))];
    }

    /// <summary>
    /// For one of this host's keys found in the bucket after <see cref="Snapshot"/>: its deletion when nothing in force
    /// backs it any more, else null.
    /// </summary>
    public Change? Stale(string key) => _desired.Contains(key) ? null : new Change(key, null);

    /// <summary>Decisions stored, renewed or revoked since the last call (or snapshot), as bucket changes.</summary>
    public List<Change> Changes(DateTimeOffset now)
    {
        var changes = new List<Change>();
        var fresh = _store.After(_afterId, Slice);
        var changed = _store.ChangedSince(_afterId, _since - Overlap, now);
        if (fresh.Count > 0)
        {
            _afterId = fresh[^1].Id;
        }
        Behind = fresh.Count >= Slice;
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
        // (and every late joiner's snapshot) holds only bans in force.
        foreach (var (key, expires) in _published)
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
        => change.Value is null ? !_published.ContainsKey(change.Key)
            : _published.TryGetValue(change.Key, out var e) && (change.Value.Expires - e).Duration() < TimeSpan.FromSeconds(1);

    /// <summary>Records that the bucket took <paramref name="change"/>.</summary>
    public void Done(Change change)
    {
        if (change.Value is null)
        {
            _published.Remove(change.Key);
        }
        else
        {
            _published[change.Key] = change.Value.Expires;
        }
    }

    /// <summary>Forgets what was published, so the next snapshot puts everything again (after the bucket may have lost writes).</summary>
    public void Forget() => _published.Clear();

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
