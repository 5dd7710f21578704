using Uncloak.Core.Analysis;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Rendering;

/// <summary>What <c>uncloak peer</c> found about one address, read from the store; rendered by <see cref="PeerRenderer"/>.</summary>
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
}
