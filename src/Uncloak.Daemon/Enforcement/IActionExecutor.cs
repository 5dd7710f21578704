using Uncloak.Core.Decisions;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Carries out a ban or a socket kill the planner asked for and says what came of it (the text is stored with the
/// action). Implementations are idempotent: the same ban twice is one ban.
/// </summary>
public interface IActionExecutor
{
    /// <summary>True when actions of <paramref name="kind"/> really change the host; false when they can only be recorded.</summary>
    bool Enforces(RemediationKind kind);

    string Execute(RemediationAction action, DateTime now);

    /// <summary>Bans in force according to the decision store, or null when this executor keeps no bans.</summary>
    int? BansInForce(DateTime now);

    /// <summary>
    /// Called on the engine's thread every tick: repairs what was broken underneath (the firewall reloaded or flushed)
    /// and says what it did, or returns null when nothing needed doing.
    /// </summary>
    string? Maintain() => null;
}
