namespace Uncloak.Core.Decisions;

/// <summary>
/// A ban as the store keeps it: what, why, who asked, when, until when, and how many bans of the same
/// target came before (which set its length). Refused decisions are kept too, with the rule that refused them.
/// </summary>
public sealed record Decision
{
    public long Id { get; init; }

    public required BanTarget Target { get; init; }

    public required string Reason { get; init; }

    /// <summary>Who asked: <c>cli</c>, <c>import</c>, a detector's name, …</summary>
    public required string Origin { get; init; }

    /// <summary>The scenario that fired, when a detector asked.</summary>
    public string? Scenario { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset Expires { get; init; }

    /// <summary>How many earlier bans of this target the escalation counted (0 for a first offence).</summary>
    public int Repeat { get; init; }

    public DecisionStatus Status { get; init; } = DecisionStatus.Active;

    public RefusalReason Refusal { get; init; }

    /// <summary>The human sentence saying why it was refused (empty when accepted).</summary>
    public string RefusalMessage { get; init; } = "";

    public DateTimeOffset? Revoked { get; init; }

    /// <summary>Who or what lifted the ban early (<c>root (bans del)</c>, <c>root (bans flush)</c>); null while not revoked, or for bans revoked before this was recorded.</summary>
    public string? RevokedBy { get; init; }

    /// <summary>The event that triggered a scenario's ban, when known.</summary>
    public DecisionEvidence? Evidence { get; init; }

    /// <summary>Times a re-ban of the target, while this ban was in force, extended this ban instead of adding a row.</summary>
    public int Renewals { get; init; }

    /// <summary>When the last re-ban extended it.</summary>
    public DateTimeOffset? Renewed { get; init; }

    public TimeSpan Duration => Expires - Created;

    /// <summary>True while the ban should be in the kernel.</summary>
    public bool IsInForceAt(DateTimeOffset now) => Status == DecisionStatus.Active && Expires > now;
}
