using Uncloak.Core.Detection;
using Uncloak.Core.Events;

namespace Uncloak.Core.Decisions;

/// <summary>One step a profile asks for after an alert. Enforcers carry it out; <see cref="Simulated"/> ones are only recorded.</summary>
public sealed record RemediationAction
{
    public required RemediationKind Kind { get; init; }

    public required ScenarioAlert Alert { get; init; }

    public required string Profile { get; init; }

    /// <summary>Ban and kill: the network to act on (a host has the full prefix length).</summary>
    public NetAddress Target { get; init; }

    public int PrefixLength { get; init; }

    /// <summary>Ban: the requested length before escalation.</summary>
    public TimeSpan Duration { get; init; }

    public double EscalateFactor { get; init; } = 1;

    public TimeSpan MaxDuration { get; init; }

    public HostCheck Check { get; init; }

    public AlertSeverity Severity { get; init; }

    public bool Simulated { get; init; }

    /// <summary>Target as CIDR text (a host without its /32 or /128).</summary>
    public string TargetText => Target.IsNone ? ""
        : PrefixLength >= (Target.IsV4 ? 32 : 128) ? Target.ToString()
        : $"{Target}/{PrefixLength.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    public string Reason => Alert.Summary;
}
