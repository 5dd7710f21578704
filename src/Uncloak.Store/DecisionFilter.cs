using Uncloak.Core.Events;

namespace Uncloak.Store;

/// <summary>Which decisions <c>bans list</c> shows: every filter that is set must hold.</summary>
public sealed record DecisionFilter
{
    /// <summary>Only bans in force now.</summary>
    public bool Active { get; init; }

    /// <summary>Decisions on this host or on a network containing it.</summary>
    public NetAddress? Address { get; init; }

    /// <summary>Decided by this scenario.</summary>
    public string? Scenario { get; init; }

    /// <summary>From this origin (cli, import, watch, …).</summary>
    public string? Origin { get; init; }

    /// <summary>Made at or after this time.</summary>
    public DateTimeOffset? Since { get; init; }

    /// <summary>Keyset paging: only decisions with a smaller id than this (the last one of the previous page).</summary>
    public long? BeforeId { get; init; }
}
