using Uncloak.Core.Analysis;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// What the store knows about one address (<c>uncloak peer</c>, the dashboard's peer page): read by <see cref="Read"/>,
/// written as <c>uncloak.peer/1</c> by <see cref="PeerHistoryJson"/>.
/// </summary>
public sealed record PeerHistory
{
    public required NetAddress Address { get; init; }

    /// <summary>The newest stored events of the peer, in time order.</summary>
    public required IReadOnlyList<StoredEvent> Events { get; init; }

    public required IReadOnlyList<PeerEpisode> Episodes { get; init; }

    /// <summary>Per-peer aggregates of the high-volume families (firewall LOG lines).</summary>
    public required IReadOnlyList<RollupRecord> Rollups { get; init; }

    /// <summary>Decisions on the address or a network containing it, oldest first.</summary>
    public required IReadOnlyList<Decision> Decisions { get; init; }

    /// <summary>The triggering event of a decision (by decision id): its source's path and the stored event.</summary>
    public required Dictionary<long, (string Source, StoredEvent Event)> Evidence { get; init; }

    /// <summary>Earlier offences (expired bans, not revoked ones) the next ban escalates from.</summary>
    public required int PriorOffences { get; init; }

    public required DateTimeOffset Now { get; init; }

    /// <summary>How far back earlier offences count for escalation, as the daemon counts them.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromDays(30);

    /// <summary>
    /// Reads the newest <paramref name="limit"/> events of <paramref name="peer"/>, their episodes, the peer's rollups,
    /// every decision on it or a network containing it (at most 1000) with each decision's triggering event.
    /// </summary>
    public static PeerHistory Read(SqliteStore store, NetAddress peer, int limit, DateTimeOffset now)
    {
        var events = EventReader.ReadPeer(store, peer, Math.Max(1, limit));
        var decisions = new DecisionStore(store);
        var history = new PeerHistory
        {
            Address = peer,
            Events = events,
            Episodes = PeerEpisodes.Fold(events.Select(e => e.Event)),
            Rollups = EventReader.ReadPeerRollups(store, peer),
            Decisions = [.. decisions.List(new DecisionFilter { Address = peer }, now, 1000).OrderBy(d => d.Id)],
            Evidence = [],
            PriorOffences = decisions.PriorBans(now - Lookback, [BanTarget.For(peer)], now).GetValueOrDefault(BanTarget.For(peer)),
            Now = now,
        };
        foreach (var d in history.Decisions)
        {
            if (d.Evidence is { } e && EventReader.ReadAt(store, new SourcePosition(e.SourceId, e.Offset)) is { } ev)
            {
                history.Evidence[d.Id] = (EventReader.SourcePath(store, e.SourceId) ?? "?", ev);
            }
        }
        return history;
    }
}
