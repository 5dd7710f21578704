using System.CommandLine;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans del TARGET…`: unban.</summary>
public static class BansDelCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var targets = new Argument<string[]>("target") { Description = "Targets as banned (198.18.0.7, 198.18.4.0/24, 2001:2::1 → its /64).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("del", "Lift bans before they expire: revoked in the store (kept for history), removed from the kernel in one transaction.\n\nExit codes: 0 done, 1 some targets were not banned, 2 bad input, 3 not root or no firewall.")
        {
            targets, options.V6Prefix,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var (parsed, bad) = TargetList.Parse(result.GetValue(targets) ?? [], result.GetValue(options.V6Prefix));
            if (bad.Count > 0)
            {
                bad.ForEach(b => error.WriteLine($"uncloak bans del: argument {b}"));
                return ExitCodes.UsageOrInput;
            }
            int rc = options.Open(result, "del", error, out var store, out var enforcer);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (store)
            using (enforcer)
            {
                var workflow = new BanWorkflow(new Uncloak.Store.DecisionStore(store!), enforcer, TimeProvider.System);
                try
                {
                    var (revoked, removed) = workflow.Unban(parsed, result.GetValue(options.DryRun));
                    Rendering.BansRenderer.RenderUnban(output, parsed, revoked, removed, result.GetValue(options.DryRun), result.GetValue(options.Json));
                    return revoked == 0 && removed == 0 ? ExitCodes.Findings : ExitCodes.Ok;
                }
                catch (Uncloak.Firewall.FirewallException e)
                {
                    error.WriteLine($"uncloak bans del: revoked in the store, but the firewall refused: {e.Message}\nRun 'uncloak bans sync' once the cause is fixed.");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }
}
