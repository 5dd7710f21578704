using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Decisions;
using Uncloak.Daemon.Enforcement;

namespace Uncloak.Cli.Commands.Bans;

/// <summary>`uncloak bans add TARGET…`: ban addresses or networks for a while.</summary>
public static class BansAddCommand
{
    public static Command Create()
    {
        var options = new BanOptions();
        var targets = new Argument<string[]>("target") { Description = "Addresses or CIDR networks (198.18.0.7, 198.18.4.0/24, 2001:2::1 → its /64).", Arity = ArgumentArity.OneOrMore };
        var duration = DurationOption();
        var reason = ReasonOption("manual ban");
        var maxPerMinute = MaxPerMinuteOption(0);
        var kill = new Option<bool>("--kill")
        {
            Description = "Also destroy the target's established connections (sock_diag SOCK_DESTROY) once the ban is in the kernel: a ban stops new packets, " +
                "but a connection the peer holds open in zero-window persist keeps its socket, buffers and worker for minutes. Same as 'uncloak sockets --kill', after the ban.",
        };
        var noEscalation = new Option<bool>("--no-escalation") { Description = "Ban for exactly --for, even if the target was banned before." };
        var factor = new Option<double>("--escalation-factor")
        {
            Description = "Repeat offenders: each earlier ban of the same target within 30 days multiplies the duration by this.",
            DefaultValueFactory = _ => Escalation.Default.Factor,
            HelpName = "X",
        };
        var cap = new Option<string>("--escalation-cap")
        {
            Description = "Escalated bans never grow beyond this (a longer --for is kept as asked).",
            DefaultValueFactory = _ => "30d",
            HelpName = "DURATION",
        };
        var command = new Command("add",
            "Ban addresses or networks for a while. Decided (safety rules, rate cap, escalation), stored, then added to the kernel " +
            "in one transaction.\n\nExit codes: 0 all banned, 1 some refused (see why), 2 bad input, 3 not root or no firewall.\n\n" +
            "Examples:\n  uncloak bans add 198.18.0.7 --for 90m --reason 'zero-window hold on :443'\n  uncloak bans add 2001:2::1 --for 7d   # bans 2001:2::/64")
        {
            targets, duration, reason, maxPerMinute, noEscalation, factor, cap, kill, options.Allow, options.V6Prefix,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (!TryDuration(result.GetValue(duration)!, "add", error, out var span) || !options.TryReadAllowlist(result, error, out var allowlist))
            {
                return ExitCodes.UsageOrInput;
            }
            int v6 = result.GetValue(options.V6Prefix);
            var (parsed, bad) = TargetList.Parse(result.GetValue(targets) ?? [], v6);
            if (bad.Count > 0)
            {
                foreach (var b in bad)
                {
                    error.WriteLine($"uncloak bans add: argument {b}");
                }
                return ExitCodes.UsageOrInput;
            }
            var requests = parsed.Select(t => new BanRequest(t, span, result.GetValue(reason)!, "cli")).ToList();
            if (!DurationText.TryParse(result.GetValue(cap)!, out var capSpan) || result.GetValue(factor) is < 1 or > 1000)
            {
                error.WriteLine("uncloak bans add: --escalation-factor must be 1..1000 and --escalation-cap a duration (30d, 2w, …)");
                return ExitCodes.UsageOrInput;
            }
            var escalation = result.GetValue(noEscalation) ? Escalation.None : Escalation.Default with { Factor = result.GetValue(factor), Cap = capSpan };
            return Run(result, options, "add", requests, escalation, result.GetValue(maxPerMinute), allowlist, result.GetValue(kill));
        });
        return command;
    }

    /// <summary>Shared by add and import: open, decide, store, enforce, report.</summary>
    internal static int Run(ParseResult result, BanOptions options, string verb, List<BanRequest> requests, Escalation escalation, int maxPerMinute, List<BanTarget> allowlist, bool kill = false)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        int rc = options.Open(result, verb, error, out var store, out var enforcer);
        if (rc != ExitCodes.Ok)
        {
            return rc;
        }
        SocketKillEnforcer? killer = null;
        if (kill && !result.GetValue(options.DryRun))
        {
            try
            {
                // The bans pass the safety rules before any kill, so the kill itself guards nothing more.
                killer = SocketKillEnforcer.Open(new Uncloak.Core.Signals.ProtectedPeers());
            }
            catch (Uncloak.Linux.Sockets.SockDiagException e)
            {
                error.WriteLine($"uncloak bans {verb}: --kill needs sock_diag: {e.Message}");
                store?.Dispose();
                enforcer?.Dispose();
                return ExitCodes.Environment;
            }
        }
        using (killer)
        using (store)
        using (enforcer)
        {
            var workflow = new BanWorkflow(new Uncloak.Store.DecisionStore(store!), enforcer, TimeProvider.System, killer);
            BanWorkflow.Outcome outcome;
            try
            {
                outcome = workflow.Ban(requests, BanOptions.Safety(allowlist), escalation, maxPerMinute, result.GetValue(options.DryRun));
            }
            catch (Uncloak.Firewall.FirewallException e)
            {
                error.WriteLine($"uncloak bans {verb}: the decisions are stored but the firewall refused them: {e.Message}\nRun 'uncloak bans sync' once the cause is fixed.");
                return ExitCodes.Environment;
            }
            catch (Store.StoreException e)
            {
                // Disk full, read-only or corrupt store: nothing was recorded, and the kernel was left as it was before.
                error.WriteLine($"uncloak bans {verb}: the store failed, nothing was banned: {e.Message}");
                return ExitCodes.Environment;
            }
            if (outcome.RateCapTripped)
            {
                error.WriteLine($"ALERT: uncloak bans {verb}: the cap of {maxPerMinute} new bans per minute was reached; {outcome.Decisions.Count(d => d.Refusal == RefusalReason.RateCap)} bans were REFUSED and recorded. " +
                    "A detector or feed may be misfiring, or someone spoofs sources to make you ban innocents. Check 'uncloak bans list --all'.");
            }
            BansRenderer.RenderOutcome(output, outcome, result.GetValue(options.DryRun), enforcer?.Name, result.GetValue(options.Json), verbose: requests.Count <= 50);
            if (outcome.Killed.Failed > 0)
            {
                error.WriteLine($"uncloak bans {verb}: banned, but {outcome.Killed.Failed} connection(s) could not be destroyed (not root, or a kernel without CONFIG_INET_DIAG_DESTROY).");
                return ExitCodes.Environment;
            }
            return outcome.Refused > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        }
    }

    internal static Option<string> DurationOption() => new("--for")
    {
        Description = "How long: 30s, 90m, 1h, 7d, 2w or combined (1h30m). The kernel forgets the ban by itself when it ends.",
        DefaultValueFactory = _ => "1h",
        HelpName = "DURATION",
    };

    internal static Option<string> ReasonOption(string fallback) => new("--reason")
    {
        Description = "Why, in words; stored and shown by 'bans list'.",
        DefaultValueFactory = _ => fallback,
        HelpName = "TEXT",
    };

    internal static Option<int> MaxPerMinuteOption(int fallback) => new("--max-per-minute")
    {
        Description = "Refuse (and alert) beyond this many new bans in any minute, counting bans already made; 0 = no cap. Detectors use a cap; an admin's explicit command does not by default.",
        DefaultValueFactory = _ => fallback,
        HelpName = "N",
    };

    internal static bool TryDuration(string text, string verb, TextWriter error, out TimeSpan duration)
    {
        if (DurationText.TryParse(text, out duration))
        {
            return true;
        }
        error.WriteLine($"uncloak bans {verb}: --for '{text}' is not a duration; write 30s, 90m, 1h, 7d, 2w or 1h30m");
        return false;
    }
}
