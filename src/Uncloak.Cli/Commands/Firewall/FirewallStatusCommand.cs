using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall status`: what is loaded, what each rule caught, any pending confirmation.</summary>
public static class FirewallStatusCommand
{
    public static Command Create()
    {
        var policy = new PolicyOptions();
        var json = CommonOptions.Json();
        var command = new Command("status", "Show whether the policy is loaded, how many packets each rule dropped or accepted, any apply awaiting confirmation (and when it rolls back), and net.ipv4.tcp_syncookies.\n\nExit codes: 0 shown, 3 not root or no nftables.")
        {
            json, policy.StateDir,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            int rc = FirewallCommand.Require("status", error, out var nft);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (nft)
            {
                var (loaded, pending) = new PolicyGuard(nft!, new GuardState(result.GetValue(policy.StateDir)!)).Status();
                FirewallRenderer.RenderStatus(output, loaded, pending, PolicyOptions.SynCookies(), DateTimeOffset.UtcNow, result.GetValue(json));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
