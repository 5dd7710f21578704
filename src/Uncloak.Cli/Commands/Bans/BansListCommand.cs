using System.CommandLine;
using Uncloak.Firewall;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans list`: what the store says, optionally with the kernel's drop counters.</summary>
public static class BansListCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var all = new Option<bool>("--all") { Description = "Also show expired, revoked and refused decisions (newest first), with the reason for each refusal." };
        var limit = new Option<int>("--limit") { Description = "Show at most N decisions.", DefaultValueFactory = _ => 1000, HelpName = "N" };
        var counters = new Option<bool>("--counters") { Description = "Also show how many packets each kernel set dropped (needs root)." };
        var command = new Command("list", "Show the bans in force (from the store, the truth), or every decision with --all.\n\nExit codes: 0 done, 3 store or firewall unavailable.")
        {
            all, limit, counters,
        };
        options.AddTo(command, kernel: false);
        command.Add(options.Backend);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            SqliteStore store;
            try
            {
                store = SqliteStore.Open(result.GetValue(options.Db) ?? SqliteStore.DefaultPath());
            }
            catch (StoreException e)
            {
                error.WriteLine($"uncloak bans list: {e.Message}");
                return ExitCodes.Environment;
            }
            using (store)
            {
                var now = DateTimeOffset.UtcNow;
                var decisions = new DecisionStore(store).List(now, result.GetValue(all), Math.Max(1, result.GetValue(limit)));
                IReadOnlyList<SetCounter>? setCounters = null;
                if (result.GetValue(counters))
                {
                    if (!Environment.IsPrivilegedProcess)
                    {
                        error.WriteLine("uncloak bans list: --counters reads the kernel firewall and needs root.");
                        return ExitCodes.Environment;
                    }
                    try
                    {
                        using var enforcer = FirewallBackends.Open(result.GetValue(options.Backend) ?? "auto");
                        setCounters = enforcer.Counters();
                    }
                    catch (FirewallException e)
                    {
                        error.WriteLine($"uncloak bans list: {e.Message}");
                        return ExitCodes.Environment;
                    }
                }
                Rendering.BansRenderer.RenderList(output, decisions, setCounters, now, result.GetValue(options.Json));
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
