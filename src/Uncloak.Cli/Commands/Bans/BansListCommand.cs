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
        var address = new Argument<string?>("address") { Description = "Only decisions on this address or on a network containing it.", Arity = ArgumentArity.ZeroOrOne };
        var scenario = new Option<string?>("--scenario") { Description = "Only decisions of this scenario (zero-window-holders, …).", HelpName = "NAME" };
        var origin = new Option<string?>("--origin") { Description = "Only decisions from this origin: cli, import, watch.", HelpName = "ORIGIN" };
        var since = new Option<string?>("--since") { Description = "Only decisions made in the last DURATION (30s, 10m, 1h, 7d) or since an RFC 3339 time.", HelpName = "WHEN" };
        var active = new Option<bool>("--active") { Description = "Only bans in force now (the default without --all; with --all it wins)." };
        var command = new Command("list",
            "Show the bans in force (from the store, the truth), or every decision with --all; narrow either with an ADDRESS, " +
            "--scenario, --origin and --since. For the whole story of one address (events, evidence, revocations) see 'uncloak peer ADDRESS'.\n\n" +
            "Exit codes: 0 done, 2 bad filter, 3 store or firewall unavailable.\n\nExamples:\n  uncloak bans list --all --origin watch --since 1d\n  uncloak bans list 198.18.0.7 --all")
        {
            address, all, active, scenario, origin, since, limit, counters,
        };
        options.AddTo(command, kernel: false);
        command.Add(options.Backend);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var filter = new DecisionFilter
            {
                Active = result.GetValue(active) || !result.GetValue(all),
                Scenario = result.GetValue(scenario),
                Origin = result.GetValue(origin),
            };
            if (result.GetValue(address) is { } text)
            {
                if (!Core.Events.NetAddress.TryParse(text, out var a))
                {
                    error.WriteLine($"uncloak bans list: '{text}' is not an IP address");
                    return ExitCodes.UsageOrInput;
                }
                filter = filter with { Address = a };
            }
            if (result.GetValue(since) is { } when)
            {
                if (!TimeArgument.TryParseSince(when, DateTimeOffset.UtcNow, out var from))
                {
                    error.WriteLine($"uncloak bans list: --since '{when}' is neither a duration (30s, 10m, 1h, 7d) nor an RFC 3339 time");
                    return ExitCodes.UsageOrInput;
                }
                filter = filter with { Since = from };
            }
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
                var decisions = new DecisionStore(store).List(filter, now, Math.Max(1, result.GetValue(limit)));
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
