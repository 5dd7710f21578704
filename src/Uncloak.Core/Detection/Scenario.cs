using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>
/// A detector as data: which events it counts (<see cref="Filter"/>), grouped by what (<see cref="GroupBy"/>),
/// into a leaky bucket of <see cref="Capacity"/> that leaks one event every <see cref="LeakEvery"/>. When a group's
/// bucket overflows the scenario raises a <see cref="ScenarioAlert"/>; what happens then is the remediation
/// <see cref="Profile"/>'s business, never the scenario's.
/// </summary>
public sealed record Scenario
{
    /// <summary>Unique name (<c>zero-window-holders</c>); a drop-in with the same name replaces the shipped one.</summary>
    public required string Name { get; init; }

    public string Description { get; init; } = "";

    public required EventFilter Filter { get; init; }

    public GroupBy GroupBy { get; init; } = GroupBy.Peer;

    /// <summary>IPv4 prefix length when <see cref="GroupBy"/> is <see cref="GroupBy.Network"/>.</summary>
    public int V4Prefix { get; init; } = 24;

    /// <summary>IPv6 prefix length when <see cref="GroupBy"/> is <see cref="GroupBy.Network"/> (one customer usually holds a /64).</summary>
    public int V6Prefix { get; init; } = 64;

    /// <summary>How many events a group may hold before it overflows (the overflow is event <c>Capacity + 1</c>).</summary>
    public required int Capacity { get; init; }

    /// <summary>One event leaks out of the bucket per this much (event) time.</summary>
    public required TimeSpan LeakEvery { get; init; }

    /// <summary>When set, only distinct values of this field fill the bucket (a port scan: distinct local ports).</summary>
    public DistinctField Distinct { get; init; } = DistinctField.None;

    /// <summary>After an overflow the same group stays silent this long, so one attack is one alert.</summary>
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The remediation profile applied to this scenario's alerts.</summary>
    public required string Profile { get; init; }

    /// <summary>Where it was defined (file:line), for messages.</summary>
    public string Origin { get; init; } = "";

    /// <summary>
    /// True when the counted events can carry forged sources (a SYN flood's half-open connections, any packet a
    /// firewall rule logged): such a scenario may alert but must never lead to a ban, or an attacker could make us ban
    /// anyone. An empty kind list counts every kind, firewall lines included.
    /// </summary>
    public bool CountsSpoofable => Filter.Kinds.Count == 0 || Filter.Kinds.Any(EventFilter.IsSpoofable);
}
