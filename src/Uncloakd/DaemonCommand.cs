using System.CommandLine;
using Uncloak.Cli;
using Uncloak.Cli.Commands.Watch;

namespace Uncloakd;

/// <summary>`uncloakd [OPTIONS]`: <c>uncloak watch</c>'s live daemon with the same flags (<see cref="WatchFlags"/>), and nothing else.</summary>
public static class DaemonCommand
{
    public static RootCommand Build()
    {
        var flags = new WatchFlags();
        var root = new RootCommand(
            "The Uncloak daemon, as the systemd unit runs it: exactly 'uncloak watch' (same flags, same /etc/uncloak/uncloak.yaml, same " +
            "engine, store, /metrics, dashboard and fleet), in a binary that carries only the daemon, so it keeps less memory resident. " +
            "'uncloak watch --help' describes the flags in full; 'uncloak watch --replay' and every other command are in 'uncloak'.\n\n" +
            "Exit codes: 0 stopped cleanly, 2 invalid configuration or input, 3 environment error (store, port).");
        flags.AddTo(root);
        flags.AddVerboseTo(root);
        root.SetAction((result, cancel) => WatchRunner.RunAsync(flags.Read(result), result.InvocationConfiguration.Output,
            result.InvocationConfiguration.Error, cancel, "uncloakd"));
        return root;
    }

    /// <summary>Parses and runs; usage errors exit 2, as in <c>uncloak</c>.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancel = default)
    {
        var result = Build().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var e in result.Errors)
            {
                await error.WriteLineAsync($"uncloakd: {e.Message}").ConfigureAwait(false);
            }
            await error.WriteLineAsync("Try 'uncloakd --help'.").ConfigureAwait(false);
            return ExitCodes.UsageOrInput;
        }
        // The daemon owns its signals (WatchHost drains on SIGTERM); System.CommandLine's own handler would end the
        // process with exit 143 two seconds after SIGTERM, whatever the drain was doing (as in UncloakCli.RunAsync).
        var config = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return await result.InvokeAsync(config, cancel).ConfigureAwait(false);
    }
}
