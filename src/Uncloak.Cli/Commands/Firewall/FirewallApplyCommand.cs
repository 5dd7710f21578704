using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Decisions;
using Uncloak.Firewall;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall apply`: swap the policy in atomically, with automatic rollback unless confirmed.</summary>
public static class FirewallApplyCommand
{
    public static Command Create()
    {
        var policy = new PolicyOptions();
        var json = CommonOptions.Json();
        var within = new Option<string?>("--confirm-within")
        {
            Description = "Roll back by itself unless 'uncloak firewall confirm' arrives within this time (30s, 2m, …; default 60s, confirm_within). Confirm from a NEW SSH session: that proves you can still get in.",
            HelpName = "DURATION",
        };
        var command = new Command("apply",
            "Replace the loaded policy with the planned one in one nftables transaction, after saving what was loaded. A detached " +
            "timer puts the saved state back when the time runs out unless 'uncloak firewall confirm' arrives first — like " +
            "iptables-apply, but atomic both ways. Bans are never touched.\n\nExit codes: 0 applied (awaiting confirm), 2 bad option, " +
            "3 not root, no nftables, an earlier apply still pending, or the kernel refused (then nothing changed).")
        {
            json, within, policy.StateDir,
        };
        policy.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var p = policy.Build(result, error, out string configuredWithin);
            if (p is null)
            {
                return ExitCodes.UsageOrInput;
            }
            string withinText = result.GetValue(within) ?? configuredWithin;
            if (!DurationText.TryParse(withinText, out var span))
            {
                error.WriteLine($"uncloak firewall apply: confirm within '{withinText}' is not a duration (30s, 2m, …)");
                return ExitCodes.UsageOrInput;
            }
            int rc = FirewallCommand.Require("apply", error, out var nft);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (nft)
            {
                string stateDir = Path.GetFullPath(result.GetValue(policy.StateDir)!);
                var guard = new PolicyGuard(nft!, new GuardState(stateDir));
                string token = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
                PendingApply pending;
                try
                {
                    pending = guard.Apply(p, token, DateTimeOffset.UtcNow, span);
                }
                catch (FirewallException e)
                {
                    error.WriteLine($"uncloak firewall apply: {e.Message}");
                    return ExitCodes.Environment;
                }
                int pid;
                try
                {
                    pid = RollbackTimer.Start(FirewallCommand.Self(), token, span, stateDir);
                }
                catch (Exception e) when (e is FirewallException or System.ComponentModel.Win32Exception)
                {
                    // Without a timer the safety net is gone: undo now rather than leave an unguarded apply.
                    guard.Rollback(token);
                    error.WriteLine($"uncloak firewall apply: could not start the rollback timer ({e.Message}); the previous state was restored.");
                    return ExitCodes.Environment;
                }
                guard.SetTimer(token, pid);
                FirewallRenderer.RenderApplied(output, pending with { TimerPid = pid }, stateDir, PolicyOptions.SynCookies(), result.GetValue(json));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
