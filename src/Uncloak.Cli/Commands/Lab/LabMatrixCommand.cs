using System.CommandLine;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Runs;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab matrix`: attacks × defences, each cell on a fresh lab, side by side.</summary>
public static class LabMatrixCommand
{
    public static Command Create()
    {
        var isShort = new Option<bool>("--short")
        {
            Description = "CI mode: 12 s attacks and only the cells that carry a verdict (each attack undefended and with the " +
                          "defence meant for it, the SYN rate limit for the record): about 3 minutes instead of about 8.",
        };
        var prefix = LabOptions.Prefix();
        var kestrel = LabOptions.Kestrel();
        var json = CommonOptions.Json();
        var html = LabOptions.Html();
        var command = new Command("matrix",
            "Run every attack under every defence (see 'uncloak lab run --help' for both), each cell on a fresh lab, and " +
            "print one table: availability before / during / in the steady state of the attack, p50/p95 latency of the " +
            "client's successful requests, the attacker's packets, and what Uncloak killed and banned. What to expect: " +
            "a zero-window holder takes a 16-worker server down and Uncloak brings it back; a SYN flood takes it down " +
            "without SYN cookies and not with them; a SYN rate limit starves legitimate clients along with the flood.\n\n" +
            "Progress goes to stderr. Exit 0 when every cell ran (whatever it measured), 3 when the lab could not be built.\n\n" +
            "Examples:\n  sudo uncloak lab matrix\n  sudo uncloak lab matrix --short --json > lab.json\n  sudo uncloak lab matrix --html lab.html")
        {
            isShort, prefix, kestrel, json, html,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (LabOptions.Names(result.GetValue(prefix)!, error, "matrix") is not { } names)
            {
                return ExitCodes.UsageOrInput;
            }
            if (!LabOptions.IsRoot(error, "matrix"))
            {
                return ExitCodes.Environment;
            }
            bool apache = !result.GetValue(kestrel);
            var plans = result.GetValue(isShort) ? MatrixPlan.Short(apache) : MatrixPlan.Full(apache);
            var cells = new List<CellResult>();
            try
            {
                using var exclusive = LabLock.Acquire(names);
                for (int i = 0; i < plans.Count; i++)
                {
                    var p = plans[i];
                    await error.WriteLineAsync($"uncloak lab matrix: cell {i + 1}/{plans.Count}: {p.Attack.Name()} with {p.Defence.Name()} ({p.Limits.Duration.TotalSeconds:0} s)");
                    var cell = await CellRunner.RunAsync(names, p, cancel);
                    await error.WriteLineAsync($"uncloak lab matrix:   steady availability {cell.Steady.Availability:P1}");
                    cells.Add(cell);
                }
            }
            catch (LabException e)
            {
                await error.WriteLineAsync($"uncloak lab matrix: {e.Message}");
                return ExitCodes.Environment;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                await error.WriteLineAsync($"uncloak lab matrix: the kernel refused a socket: {e.Message} ({e.SocketErrorCode}); the lab was removed.");
                return ExitCodes.Environment;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("uncloak lab matrix: interrupted; the lab was removed.");
                return ExitCodes.Environment;
            }
            return LabCellOutput.Write(output, error, cells, result.GetValue(json), result.GetValue(html), "uncloak lab matrix");
        });
        return command;
    }
}
