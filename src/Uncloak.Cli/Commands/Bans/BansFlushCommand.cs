using System.CommandLine;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans flush`: lift every ban.</summary>
public static class BansFlushCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var command = new Command("flush", "Lift every ban: all revoked in the store, the kernel sets emptied in one transaction (the table, chain and counters stay).\n\nExit codes: 0 done, 3 not root or no firewall.");
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            int rc = options.Open(result, "flush", error, out var store, out var enforcer);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (store)
            using (enforcer)
            {
                try
                {
                    bool dry = result.GetValue(options.DryRun);
                    int n = new BanWorkflow(new Uncloak.Store.DecisionStore(store!), enforcer, TimeProvider.System) { Actor = Environment.UserName + " (bans flush)" }.Flush(dry);
                    Rendering.BansRenderer.RenderCount(output, dry ? "would lift" : "lifted", n, result.GetValue(options.Json));
                    return ExitCodes.Ok;
                }
                catch (Uncloak.Firewall.FirewallException e)
                {
                    error.WriteLine($"uncloak bans flush: revoked in the store, but the firewall refused: {e.Message}");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }
}
