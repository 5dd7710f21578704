using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Firewall;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall rollback`: put the previous policy back (by hand, or as the apply's timer).</summary>
public static class FirewallRollbackCommand
{
    public static Command Create()
    {
        var policy = new PolicyOptions();
        var json = CommonOptions.Json();
        var ifUnconfirmed = new Option<string?>("--if-unconfirmed") { Description = "Used by the timer 'apply' starts: roll back only if the apply with this token is still unconfirmed.", HelpName = "TOKEN" };
        var after = new Option<int>("--after") { Description = "Wait this many seconds first (the timer's countdown).", HelpName = "SECONDS" };
        var command = new Command("rollback",
            "Restore the policy that was loaded before the last apply, in one transaction: the pending apply if any, otherwise the " +
            "last confirmed one. Bans are never touched.\n\nExit codes: 0 rolled back (or, for the timer, nothing to do), 1 nothing to roll back, 3 not root or the kernel refused.")
        {
            json, ifUnconfirmed, after, policy.StateDir,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string? token = result.GetValue(ifUnconfirmed);
            var state = new GuardState(result.GetValue(policy.StateDir)!);
            int wait = Math.Clamp(result.GetValue(after), 0, 24 * 3600);
            if (wait > 0)
            {
                // The timer's countdown; it owns no terminal, so it reports to rollback.log.
                state.Log($"timer for {token} started, rolling back in {wait} s unless confirmed");
                Thread.Sleep(TimeSpan.FromSeconds(wait));
            }
            int rc = FirewallCommand.Require("rollback", error, out var nft);
            if (rc != ExitCodes.Ok)
            {
                state.Log($"rollback of {token} impossible: {rc}");
                return rc;
            }
            using (nft)
            {
                try
                {
                    var outcome = new PolicyGuard(nft!, state).Rollback(token, out var undone);
                    if (token is not null)
                    {
                        state.Log($"timer for {token}: {outcome}");
                        return ExitCodes.Ok;
                    }
                    if (undone is not null)
                    {
                        RollbackTimer.Cancel(undone.TimerPid, undone.Token); // its apply is undone: nothing left for it to do
                    }
                    FirewallRenderer.RenderRollback(output, outcome, result.GetValue(json));
                    return outcome == PolicyGuard.RollbackOutcome.NothingToRollBack ? ExitCodes.Findings : ExitCodes.Ok;
                }
                catch (FirewallException e)
                {
                    state.Log($"rollback of {token} failed: {e.Message}");
                    error.WriteLine($"uncloak firewall rollback: {e.Message}");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }
}
