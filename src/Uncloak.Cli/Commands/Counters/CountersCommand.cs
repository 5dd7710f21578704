using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Core.Counters;
using Uncloak.Linux.Counters;

namespace Uncloak.Cli.Commands.Counters;

/// <summary>`uncloak counters`: the kernel's TCP counters that reveal floods, stalls and exhaustion, with rates.</summary>
public static class CountersCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var watch = new Option<bool>("--watch") { Description = "Keep reading every --interval seconds and show what moved, until Ctrl-C. With --json, one JSON object per line." };
        var interval = CommonOptions.Interval("--interval", "Time between readings for --watch (and for the rates of a single run when --sample is given)." + " A duration (2s, 1m) or seconds.", TimeSpan.FromSeconds(2));
        var sample = new Option<bool>("--sample") { Description = "Read twice, --interval apart, so a single run shows rates too (otherwise a single run shows values only)." };
        var root = new Option<string>("--root")
        {
            Description = "Read proc/net/... and proc/sys/net/netfilter/... under this directory instead of / (a copied tree from another host, test fixtures).",
            DefaultValueFactory = _ => "/",
            HelpName = "DIR",
        };
        var command = new Command("counters",
            "Show the kernel's TCP counters that reveal trouble no log line reports: SYN-queue overflow and SYN cookies, " +
            "accept-queue overflow (an application that does not accept() fast enough), zero-window activity (peers holding " +
            "their window shut, or our own application not reading), aborts on memory and timeout, orphans, TIME-WAIT and " +
            "conntrack fill. Each line says what the counter means. Values come from /proc/net/netstat, /proc/net/snmp, " +
            "/proc/net/sockstat{,6} and nf_conntrack_{count,max}, mapped by the names in their header lines. Counters are " +
            "per network namespace: run inside the namespace you care about (ip netns exec NAME uncloak counters).\n\n" +
            "Counters only grow, so what matters is how fast: use --sample or --watch to see changes per second. A counter in " +
            "red is in alarm (e.g. any ListenOverflows or TCPReqQFullDrop, conntrack ≥ 90 % full).\n\n" +
            "Exit codes: 0 nothing in alarm, 1 a signal in alarm, 2 usage error, 3 the files cannot be read.\n\n" +
            "Examples:\n  uncloak counters --sample\n  uncloak counters --watch --interval 5\n  uncloak counters --json")
        {
            json, watch, interval, sample, root,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            bool asJson = result.GetValue(json);
            double seconds = result.GetValue(interval).TotalSeconds;
            if (seconds is <= 0 or > 3600)
            {
                await error.WriteLineAsync("uncloak counters: --interval must be between 0 and 3600 seconds.");
                return ExitCodes.UsageOrInput;
            }
            var reader = new CounterReader(result.GetValue(root) ?? "/");
            CounterSnapshot current;
            try
            {
                current = reader.Read();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"uncloak counters: cannot read the counters: {e.Message}");
                return ExitCodes.Environment;
            }
            var delay = TimeSpan.FromSeconds(seconds);
            if (!result.GetValue(watch))
            {
                CounterSnapshot? previous = null;
                if (result.GetValue(sample))
                {
                    previous = current;
                    try
                    {
                        await Task.Delay(delay, TimeProvider.System, cancel);
                    }
                    catch (OperationCanceledException)
                    {
                        return ExitCodes.Ok;
                    }
                    current = reader.Read();
                }
                var readings = CounterRates.Between(previous, current);
                CountersRenderer.Render(output, readings, current.Time, previous is null ? 0 : (current.Time - previous.Time).TotalSeconds, asJson);
                return readings.Any(r => r.IsAlarm) ? ExitCodes.Findings : ExitCodes.Ok;
            }
            // --watch: runs until Ctrl-C (the token), one reading per interval.
            while (!cancel.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(delay, TimeProvider.System, cancel);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
                var next = reader.Read();
                var readings = CounterRates.Between(current, next);
                CountersRenderer.Render(output, readings, next.Time, (next.Time - current.Time).TotalSeconds, asJson, indented: false);
                current = next;
            }
            return ExitCodes.Ok;
        });
        return command;
    }
}
