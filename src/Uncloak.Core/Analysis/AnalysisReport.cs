using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>Everything `uncloak analyze` knows after reading the evidence. Pure data for the renderers.</summary>
public sealed record AnalysisReport
{
    public required IReadOnlyList<SourceSummary> Sources { get; init; }

    public long Lines => Sources.Sum(s => s.Lines);

    public long Malformed => Sources.Sum(s => s.Malformed);

    /// <summary>Events per kind (weighted: a stored rollup counts for the lines it stands for).</summary>
    public required KindCounts Counts { get; init; }

    public DateTime? First { get; init; }

    public DateTime? Last { get; init; }

    /// <summary>"wall" when times are real dates, "uptime" when the inputs carried only seconds since boot.</summary>
    public required string Clock { get; init; }

    /// <summary>Peers by total events, descending (ties by address).</summary>
    public required IReadOnlyList<PeerStats> Peers { get; init; }

    public required int DistinctPeers { get; init; }

    /// <summary>The busiest local ports (at most <see cref="PortTable.ReportedPorts"/>), most events first.</summary>
    public required IReadOnlyList<PortStats> LocalPorts { get; init; }

    public required Timeline Timeline { get; init; }

    public required EpisodeSummary TreasonEpisodes { get; init; }

    public required IReadOnlyList<InterfaceStats> Interfaces { get; init; }

    /// <summary>SYN-flood listeners: "address:port" or "port" → (cookies lines, drop lines).</summary>
    public required IReadOnlyDictionary<string, (long Cookies, long Drops)> SynFloodListeners { get; init; }

    /// <summary>Network messages net_ratelimit hid (a floor under every count).</summary>
    public required long SuppressedMessages { get; init; }

    /// <summary>
    /// Messages the old kernel-wide limiter hid (<c>__ratelimit:</c>, <c>printk:</c>): of any subsystem, so only some, or
    /// none, were network messages.
    /// </summary>
    public long SuppressedAnyMessages { get; init; }

    /// <summary>The disruptions the log shows, merged (<see cref="DisruptionTimeline"/>), sorted by start.</summary>
    public required IReadOnlyList<Disruption> Disruptions { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>The sources of martian packets and their interfaces, the most frequent first (empty for a report rebuilt from the store).</summary>
    public IReadOnlyList<MartianSource> Martians { get; init; } = [];

    /// <summary>The attacks the events show, one per attacker, target and mechanism, first seen first.</summary>
    public IReadOnlyList<AttackTally> Attacks { get; init; } = [];

    /// <summary>Attack events past <see cref="AttackTallies.MaxAttacks"/> distinct attacks, counted but not tallied.</summary>
    public long UntalliedAttackEvents { get; init; }

    /// <summary>The listening ports the directions were judged by (given, and named by SYN-flood lines).</summary>
    public ServicePorts Listening { get; init; } = ServicePorts.None;

    public long Events => Counts.Total;

    /// <summary>Events per kind per minute (wall or uptime minutes, as <see cref="Clock"/> says): the fine grain correlation works on.</summary>
    public IReadOnlyDictionary<(EventKind Kind, long Minute), long> Minutes { get; init; } = new Dictionary<(EventKind, long), long>();
}
