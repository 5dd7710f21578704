using System.CommandLine;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans del TARGET…`: unban.</summary>
public static class BansDelCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var targets = new Argument<string[]>("target") { Description = "Targets as banned (198.18.0.7, 198.18.4.0/24, 2001:2::1 → its /64).", Arity = ArgumentArity.ZeroOrMore };
        var scenario = new Option<string?>("--scenario") { Description = "Instead of targets: lift every ban in force that this scenario decided.", HelpName = "NAME" };
        var origin = new Option<string?>("--origin") { Description = "Instead of targets: lift every ban in force from this origin (cli, import, watch); with --scenario both must match.", HelpName = "ORIGIN" };
        var command = new Command("del",
            "Lift bans before they expire: revoked in the store (kept for history, with who revoked them), removed from the kernel in " +
            "one transaction. Name the targets, or select bans by --scenario and/or --origin (another origin's ban on the same " +
            "address stays in force).\n\nExit codes: 0 done, 1 nothing matched, 2 bad input, 3 not root or no firewall.\n\n" +
            "Examples:\n  uncloak bans del 198.18.0.7\n  uncloak bans del --scenario port-scanners")
        {
            targets, scenario, origin, options.V6Prefix,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string? byScenario = result.GetValue(scenario), byOrigin = result.GetValue(origin);
            var names = result.GetValue(targets) ?? [];
            if ((names.Length == 0) == (byScenario is null && byOrigin is null))
            {
                error.WriteLine("uncloak bans del: name the targets, or select bans with --scenario and/or --origin (not both ways)");
                return ExitCodes.UsageOrInput;
            }
            var (parsed, bad) = TargetList.Parse(names, result.GetValue(options.V6Prefix));
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
                var workflow = new BanWorkflow(new Uncloak.Store.DecisionStore(store!), enforcer, TimeProvider.System) { Actor = Environment.UserName + " (bans del)" };
                try
                {
                    if (names.Length == 0)
                    {
                        int lifted = workflow.UnbanMatching(byScenario, byOrigin, result.GetValue(options.DryRun));
                        Rendering.BansRenderer.RenderUnbanMatching(output, byScenario, byOrigin, lifted, result.GetValue(options.DryRun), result.GetValue(options.Json));
                        return lifted == 0 ? ExitCodes.Findings : ExitCodes.Ok;
                    }
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
