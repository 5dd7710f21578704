using System.CommandLine;
using Uncloak.Lab.Faults;
using Uncloak.Lab.Reports;
using Uncloak.Lab.Runs;
using Uncloak.Lab.Topology;

namespace Uncloak.Cli.Commands.Lab;

/// <summary>`uncloak lab faults`: each fault on a fresh lab under the real daemon; the verdict it stored against the true layer.</summary>
public static class LabFaultsCommand
{
    public static Command Create()
    {
        var isShort = new Option<bool>("--short")
        {
            Description = "CI mode: each fault held 7 s instead of 12 s (about 25 s a fault, under 3 minutes for all six).",
        };
        var only = new Option<string[]>("--fault")
        {
            Description = "Run only this fault (repeatable): " + string.Join(", ", FaultNames.All.Select(f => f.Name)) + ".",
            HelpName = "NAME",
        };
        var bundles = new Option<string?>("--bundles")
        {
            Description = "Copy each fault's incident bundle to DIR/lab-FAULT (default: a new folder under /tmp, printed).",
            HelpName = "DIR",
        };
        var prefix = LabOptions.Prefix();
        var json = CommonOptions.Json();
        var command = new Command("faults",
            "Make each lab fault (" + string.Join(", ", FaultNames.All.Select(f => $"{f.Name}: {f.Layer.ToString().ToLowerInvariant()}")) +
            ") on a fresh lab, with the real daemon (uncloak watch, shipped defaults plus the lab's probes: the service asked " +
            "from beyond the router every second, the service's own address, the gateway and the client's address as the " +
            "upstream target) in the server namespace. Per fault: the outage the daemon opened, the layer it named first " +
            "with its confidence and ranks, its bundle (copied out) and the verdict of that bundle read again, as " +
            "'uncloak analyze BUNDLE' gives it.\n\n" +
            "Progress goes to stderr. Exit 0 when every fault was named at its true layer first, 1 when one was not, 2 on a " +
            "usage error, 3 when the lab could not be built.\n\n" +
            "Examples:\n  sudo uncloak lab faults --short\n  sudo uncloak lab faults --fault shaper --json > faults.json")
        {
            isShort, only, bundles, prefix, json,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (LabOptions.Names(result.GetValue(prefix)!, error, "faults") is not { } names)
            {
                return ExitCodes.UsageOrInput;
            }
            var kinds = new List<FaultKind>();
            foreach (var name in result.GetValue(only) ?? [])
            {
                if (!FaultNames.TryParse(name, out var kind))
                {
                    await error.WriteLineAsync($"uncloak lab faults: --fault: unknown fault '{name}'; one of {string.Join(", ", FaultNames.All.Select(f => f.Name))}");
                    return ExitCodes.UsageOrInput;
                }
                kinds.Add(kind);
            }
            if (!LabOptions.IsRoot(error, "faults"))
            {
                return ExitCodes.Environment;
            }
            string folder;
            try
            {
                folder = result.GetValue(bundles) is { } dir ? Directory.CreateDirectory(dir).FullName : Directory.CreateTempSubdirectory("uncloak-lab-faults-").FullName;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"uncloak lab faults: --bundles: {e.Message}");
                return ExitCodes.UsageOrInput;
            }
            var selected = kinds.Count == 0 ? null : kinds.Distinct();
            var plans = result.GetValue(isShort) ? FaultPlan.Short(selected) : FaultPlan.Full(selected);
            var results = new List<FaultResult>();
            try
            {
                using var exclusive = LabLock.Acquire(names);
                for (int i = 0; i < plans.Count; i++)
                {
                    var p = plans[i];
                    await error.WriteLineAsync($"uncloak lab faults: {i + 1}/{plans.Count}: {p.Fault.Name()} (held {p.Hold.TotalSeconds:0} s)");
                    var r = await FaultRunner.RunAsync(names, p, folder, cancel);
                    await error.WriteLineAsync($"uncloak lab faults:   true layer {r.TrueLayer.ToString().ToLowerInvariant()}, named {r.Layer.ToString().ToLowerInvariant()}: {(r.Passed ? "pass" : "FAIL")}");
                    results.Add(r);
                }
            }
            catch (LabException e)
            {
                await error.WriteLineAsync($"uncloak lab faults: {e.Message}");
                return ExitCodes.Environment;
            }
            catch (System.Net.Sockets.SocketException e)
            {
                await error.WriteLineAsync($"uncloak lab faults: the kernel refused a socket: {e.Message} ({e.SocketErrorCode}); the lab was removed.");
                return ExitCodes.Environment;
            }
            catch (OperationCanceledException)
            {
                await error.WriteLineAsync("uncloak lab faults: interrupted; the lab was removed.");
                return ExitCodes.Environment;
            }
            if (result.GetValue(json))
            {
                using var buffer = new MemoryStream();
                FaultJson.Write(buffer, results);
                await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            }
            else
            {
                FaultTable.Write(output, results);
            }
            return results.All(r => r.Passed) ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }
}
