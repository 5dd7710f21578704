using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall confirm`: keep the applied policy and stop its rollback timer.</summary>
public static class FirewallConfirmCommand
{
    public static Command Create()
    {
        var policy = new PolicyOptions();
        var json = CommonOptions.Json();
        var command = new Command("confirm", "Keep the policy the last 'apply' loaded and stop its rollback timer. Run it from a new SSH session to prove you can still log in.\n\nExit codes: 0 confirmed, 1 nothing was pending, 3 not root.")
        {
            json, policy.StateDir,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            int rc = FirewallCommand.Require("confirm", error, out var nft);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (nft)
            {
                var confirmed = new PolicyGuard(nft!, new GuardState(result.GetValue(policy.StateDir)!)).Confirm();
                bool stopped = confirmed is not null && RollbackTimer.Cancel(confirmed.TimerPid, confirmed.Token);
                FirewallRenderer.RenderConfirmed(output, confirmed, stopped, result.GetValue(json));
                return confirmed is null ? ExitCodes.Findings : ExitCodes.Ok;
            }
        });
        return command;
    }
}
