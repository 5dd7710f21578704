using Uncloak.Core.Decisions;

namespace Uncloak.Cli.Daemon;

/// <summary>
/// Carries out a ban or a socket kill the planner asked for and says what came of it (the text is stored with the
/// action). Implementations are idempotent: the same ban twice is one ban.
/// </summary>
public interface IActionExecutor
{
    /// <summary>True when bans and kills really change the host; false when they can only be recorded.</summary>
    bool Enforces { get; }

    string Execute(RemediationAction action, DateTime now);
}

/// <summary>The executor when no enforcer is available to this build: records what would have been done.</summary>
public sealed class RecordOnlyExecutor : IActionExecutor
{
    public bool Enforces => false;

    public string Execute(RemediationAction action, DateTime now) => "recorded only: no ban enforcer in this build";
}
