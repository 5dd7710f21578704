using System.CommandLine;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Runs;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab run SCENARIO --defence D`: one attack under one defence, measured.</summary>
public static class LabRunCommand
{
    public static Command Create()
    {
        var scenario = new Argument<string>("SCENARIO")
        {
            Description = "zero-window | window-shrink | slow-read | syn-flood | icmp-flood",
        };
        var defence = new Option<string>("--defence")
        {
            Description = "none (SYN cookies off too) | syncookies | synlimit (cookies + an nft SYN rate limit of 25/s: harms clients) | " +
                          "uncloak (cookies + Uncloak killing and banning zero-window holders).",
            DefaultValueFactory = _ => "none",
            HelpName = "DEFENCE",
        };
        var seconds = new Option<double>("--seconds") { Description = "How long the attack lasts (it stops by itself).", DefaultValueFactory = _ => 15, HelpName = "N" };
        var rate = new Option<int>("--rate") { Description = "Packets per second of the floods.", DefaultValueFactory = _ => 1_000, HelpName = "PPS" };
        var connections = new Option<int>("--connections") { Description = "Connections the holders and the slow reader keep open.", DefaultValueFactory = _ => 64, HelpName = "N" };
        var maxPackets = new Option<long>("--max-packets") { Description = "The attacker stops after this many packets even if time remains.", DefaultValueFactory = _ => 200_000, HelpName = "N" };
        var payload = new Option<int>("--payload") { Description = "ICMP echo payload bytes.", DefaultValueFactory = _ => 1_400, HelpName = "BYTES" };
        var workers = new Option<int>("--workers") { Description = "The victim's concurrency limit (Kestrel connections, Apache MaxRequestWorkers).", DefaultValueFactory = _ => 16, HelpName = "N" };
        var prefix = LabOptions.Prefix();
        var kestrel = LabOptions.Kestrel();
        var json = CommonOptions.Json();
        var html = LabOptions.Html();
        var command = new Command("run",
            "Run one attack against the victim under one defence on a fresh lab, and report what the legitimate client saw: " +
            "availability (share of its requests answered with a 200 within 2 s) before the attack, during it and in its " +
            "steady state (after 4 s, when a defence has had time to act), p50/p95 latency, the server's TCP counters that " +
            "moved, the attacker's packets, and Uncloak's kills and bans. The lab is rebuilt for the run and removed after it.\n\n" +
            "Attacks:\n" +
            "  zero-window    complete handshakes, request the 1 MiB file, then hold the window at 0 (sockstress)\n" +
            "  window-shrink  let data into an offered window, then take it back (the \"treason\" case)\n" +
            "  slow-read      ordinary connections reading 16 bytes a second\n" +
            "  syn-flood      spoofed SYNs from 198.18.128.0/17\n" +
            "  icmp-flood     echo requests with large payloads\n\n" +
            "Examples:\n  sudo uncloak lab run zero-window --defence none\n  sudo uncloak lab run zero-window --defence uncloak --json\n" +
            "  sudo uncloak lab run syn-flood --defence syncookies --rate 2000 --html syn.html")
        {
            scenario, defence, seconds, rate, connections, maxPackets, payload, workers, prefix, kestrel, json, html,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var errors = new List<string>();
            if (!AttackNames.TryParse(result.GetValue(scenario)!, out var attack))
            {
                errors.Add($"unknown scenario '{result.GetValue(scenario)}' ({string.Join(", ", AttackNames.All.Select(a => a.Name))})");
            }
            if (!DefenceNames.TryParse(result.GetValue(defence)!, out var defenceKind))
            {
                errors.Add($"unknown defence '{result.GetValue(defence)}' ({string.Join(", ", DefenceNames.All.Select(d => d.Name))})");
            }
            double s = result.GetValue(seconds);
            var plan = new CellPlan(attack, defenceKind)
            {
                Limits = new AttackLimits
                {
                    Duration = s is > 0 and <= 600 ? TimeSpan.FromSeconds(s) : TimeSpan.Zero,
                    Rate = result.GetValue(rate),
                    Connections = result.GetValue(connections),
                    MaxPackets = result.GetValue(maxPackets),
                    PayloadBytes = result.GetValue(payload),
                },
                Workers = result.GetValue(workers),
                PreferApache = !result.GetValue(kestrel),
            };
            errors.AddRange(plan.Errors());
            var names = LabOptions.Names(result.GetValue(prefix)!, error, "run");
            if (errors.Count > 0 || names is null)
            {
                foreach (var e in errors)
                {
                    await error.WriteLineAsync($"uncloak lab run: {e}.");
                }
                return ExitCodes.UsageOrInput;
            }
            if (!LabOptions.IsRoot(error, "run"))
            {
                return ExitCodes.Environment;
            }
            CellResult cell;
            try
            {
                using var exclusive = LabLock.Acquire(names);
                cell = await CellRunner.RunAsync(names, plan, cancel);
            }
            catch (LabException e)
            {
                await error.WriteLineAsync($"uncloak lab run: {e.Message}");
                return ExitCodes.Environment;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                // A raw or netlink socket the kernel refused (no CAP_NET_RAW in this container, a kernel without the feature).
                await error.WriteLineAsync($"uncloak lab run: the kernel refused a socket: {e.Message} ({e.SocketErrorCode}); the lab was removed.");
                return ExitCodes.Environment;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("uncloak lab run: interrupted; the lab was removed.");
                return ExitCodes.Environment;
            }
            return LabCellOutput.Write(output, error, [cell], result.GetValue(json), result.GetValue(html), $"uncloak lab run {attack.Name()} --defence {defenceKind.Name()}");
        });
        return command;
    }
}
