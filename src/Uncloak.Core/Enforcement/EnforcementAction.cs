using Uncloak.Core.Decisions;
using Uncloak.Core.Probes;

namespace Uncloak.Core.Enforcement;

/// <summary>
/// One thing to do, whatever the kind; the factories fill the fields each kind reads. Plain data: it can be logged,
/// stored and handed to any <see cref="IEnforcer"/>.
/// </summary>
public sealed record EnforcementAction
{
    public required EnforcementKind Kind { get; init; }

    /// <summary>Ban, unban and kill: the network acted on (a host has the full prefix length).</summary>
    public BanTarget Target { get; init; }

    /// <summary>Ban: the requested length before escalation.</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>Ban: how repeat offenders' bans grow.</summary>
    public Escalation Escalation { get; init; } = Escalation.None;

    /// <summary>Ban: why, as stored with the decision.</summary>
    public string Reason { get; init; } = "";

    /// <summary>Ban: who decided (<c>watch</c>, <c>cli</c>, a feed).</summary>
    public string Origin { get; init; } = "";

    /// <summary>Ban: the scenario that fired, when one did.</summary>
    public string? Scenario { get; init; }

    /// <summary>Ban: the stored event that triggered it, so `uncloak peer` can show why.</summary>
    public DecisionEvidence? Evidence { get; init; }

    /// <summary>Unban: who lifts the ban, recorded with the revocation (<c>web session 3f2a…</c>); null for the daemon itself.</summary>
    public string? Actor { get; init; }

    /// <summary>Alert: how loud.</summary>
    public AlertSeverity Severity { get; init; }

    /// <summary>Alert: the throttling key (one alert per key and period); remedy: the probe whose outage it mends.</summary>
    public string Key { get; init; } = "";

    /// <summary>Alert: the subject line.</summary>
    public string Title { get; init; } = "";

    /// <summary>Alert: the body.</summary>
    public string Body { get; init; } = "";

    /// <summary>Remedy: the steps, run in order, the first failure stopping the rest.</summary>
    public IReadOnlyList<RemedyStep> Steps { get; init; } = [];

    public static EnforcementAction Ban(BanTarget target, TimeSpan duration, string reason, string origin, string? scenario = null, Escalation? escalation = null)
        => new() { Kind = EnforcementKind.Ban, Target = target, Duration = duration, Reason = reason, Origin = origin, Scenario = scenario, Escalation = escalation ?? Escalation.None };

    public static EnforcementAction Unban(BanTarget target) => new() { Kind = EnforcementKind.Unban, Target = target };

    public static EnforcementAction Kill(BanTarget target) => new() { Kind = EnforcementKind.Kill, Target = target };

    public static EnforcementAction Alert(AlertSeverity severity, string key, string title, string body)
        => new() { Kind = EnforcementKind.Alert, Severity = severity, Key = key, Title = title, Body = body };

    public static EnforcementAction Remedy(string probe, IReadOnlyList<RemedyStep> steps) => new() { Kind = EnforcementKind.Remedy, Key = probe, Steps = steps };
}
