namespace Uncloak.Core.Enforcement;

/// <summary>
/// The one action interface: every effect Uncloak has on the host or the outside world (ban, unban, kill, alert,
/// remedy) is an <see cref="EnforcementAction"/> carried out here, whoever asked (the daemon's planner, the CLI, the
/// lab). Detection and decision stay out: an enforcer is told what to do and says what came of it. Implementations are
/// idempotent (the same ban twice is one ban), report failures in the result rather than throwing for the kernel's or a
/// tool's refusal, and own only their own objects (the ban table, the sockets of the target).
/// </summary>
public interface IEnforcer
{
    /// <summary>True when actions of <paramref name="kind"/> really take effect here; false when they can only be recorded.</summary>
    bool Enforces(EnforcementKind kind);

    /// <summary>
    /// Carries out <paramref name="action"/> at <paramref name="now"/> (ban expiries count from it). May block for the
    /// action's length (a remedy runs its commands to the end), so callers on a hot thread run remedies elsewhere.
    /// </summary>
    EnforcementResult Execute(EnforcementAction action, DateTimeOffset now);

    /// <summary>Bans in force according to the decision store, or null when this enforcer keeps no bans.</summary>
    int? BansInForce(DateTimeOffset now) => null;

    /// <summary>
    /// Called on the engine's thread every tick: repairs what was broken underneath (the firewall reloaded or flushed)
    /// and says what it did, or returns null when nothing needed doing.
    /// </summary>
    string? Maintain() => null;
}
