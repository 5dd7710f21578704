using System.Threading.Channels;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Store.Watch;

namespace Uncloak.Daemon;

/// <summary>
/// Actions a person asks for while the daemon runs (the dashboard's unban, extend and ban): executed on the engine's
/// consumer thread through the same <see cref="IEnforcer"/> the scenarios use, so they pass the same safety rules, rate
/// cap and escalation, never race the engine's own store writes, and are recorded in the actions table with who asked.
/// </summary>
public sealed partial class WatchEngine
{
    private sealed record ActItem(EnforcementAction Action, string Who, TaskCompletionSource<EnforcementResult> Reply) : Item;

    /// <summary>
    /// Runs <paramref name="action"/> (ban or unban) for <paramref name="who"/> and returns what the enforcer did. Cancelled
    /// by <paramref name="cancel"/> while the engine is held or stopping; a stopping engine answers "not done".
    /// </summary>
    public async Task<EnforcementResult> ActAsync(EnforcementAction action, string who, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Kind is not (EnforcementKind.Ban or EnforcementKind.Unban))
        {
            return new EnforcementResult(false, $"{action.Kind} cannot be asked for");
        }
        var reply = new TaskCompletionSource<EnforcementResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _channel.Writer.WriteAsync(new ActItem(action, who, reply), cancel).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return new EnforcementResult(false, "the daemon is stopping");
        }
        return await reply.Task.WaitAsync(cancel).ConfigureAwait(false);
    }

    private void Act(ActItem item)
    {
        var now = _time.GetUtcNow();
        var action = item.Action;
        EnforcementResult result;
        if (_config.Simulate)
        {
            result = new EnforcementResult(false, "simulated: the daemon runs with --simulate");
        }
        else if (!_enforcer.Enforces(action.Kind))
        {
            result = EnforcementResult.RecordedOnly("no firewall enforces bans here");
        }
        else
        {
            result = _enforcer.Execute(action, now);
        }
        string verb = action.Kind == EnforcementKind.Ban ? "ban" : "unban";
        try
        {
            _store.AddActions([new ActionRecord(now.UtcDateTime, "", item.Who, verb, action.Target.ToString(), action.Duration, _config.Simulate, result.Text, action.Reason)]);
        }
        finally
        {
            // The answer goes back even when the record could not be written: the kernel changed or it did not.
            item.Reply.TrySetResult(result);
        }
        _metrics.Decision(verb, _config.Simulate);
        _log.ActionAsked(item.Who, verb, action.Target.ToString(), result.Text);
    }
}
