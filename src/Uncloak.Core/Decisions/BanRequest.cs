namespace Uncloak.Core.Decisions;

/// <summary>Someone (the admin, a detector) asks for a ban. <see cref="DecisionPolicy"/> turns it into a decision or a refusal.</summary>
public sealed record BanRequest(BanTarget Target, TimeSpan Duration, string Reason, string Origin, string? Scenario = null)
{
    /// <summary>The event that triggered a scenario's ban; null for bans by hand and imports.</summary>
    public DecisionEvidence? Evidence { get; init; }
}
