using System.CommandLine;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>`uncloak watch`: the daemon in the foreground, or `--replay FILES` through the same engine on recorded logs.</summary>
public static class WatchCommand
{
    /// <summary>The verb; the CLI leaves the process's signals to this command (<c>UncloakCli.RunAsync</c>).</summary>
    public const string Name = "watch";

    public static Command Create()
    {
        var flags = new WatchFlags();
        var replay = new Option<string[]>("--replay")
        {
            Description = "Run the scenarios over recorded inputs instead of live sources, on the inputs' own clock (kernel logs in any " +
                "format analyze reads, or *.jsonl events), print the alerts and the actions they would cause, and exit. Nothing is banned.",
            HelpName = "FILES",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = CommonOptions.Json();
        var command = new Command(Name,
            "Watch the host live and act: read /dev/kmsg, the journal and log files (resuming exactly where the last run stopped), snapshot " +
            "the socket table and TCP counters every second (zero-window holders, slow readers, SYN-RECV floods, counter alarms), run " +
            "the scenarios (leaky buckets over events: zero-window holders, shrunk-window peers, slow readers, connection floods, " +
            "port scanners, SYN floods), apply each scenario's remediation profile (ban with escalation, kill sockets, alert, host " +
            "checks; SYN floods are never answered with bans), probe your services and record outages with cause hints.\n\n" +
            "Runs in the foreground; under systemd it speaks sd_notify (Type=notify, watchdog). SIGTERM/Ctrl-C: stop reading, commit " +
            "every event and decision already read, exit 0. SIGHUP: reload scenarios; an invalid set is refused and the old one kept.\n\n" +
            "Settings: /etc/uncloak/uncloak.yaml (sources, probes, metrics, alerts, allowlist; an annotated example ships as " +
            "config/uncloak.yaml next to the binary). A flag wins over the file's key it names; repeatable flags (--file, --probe, " +
            "--allow, --journal-unit) add to the file's lists. Scenarios: shipped defaults (never edit them) overridden by name from " +
            "/etc/uncloak/scenarios.d/*.yaml; check both with " +
            "'uncloak config check'. Outages and actions go to the store; see them with 'uncloak report'.\n\n" +
            "Exit codes: 0 stopped cleanly (or replay done), 2 invalid configuration or input, 3 environment error (store, port).\n\n" +
            "Examples:\n  uncloak watch --simulate\n  uncloak watch --probe https://127.0.0.1/health --allow 203.0.113.0/24 --webhook https://hooks.example/uncloak\n  uncloak watch --replay /var/log/kern.log.1 --json\n  uncloak watch --no-kmsg --file /var/log/kern.log --metrics off");
        flags.AddTo(command);
        command.Add(replay);
        command.Add(json);
        flags.AddVerboseTo(command);
        command.SetAction(async (result, cancel) =>
        {
            var options = flags.Read(result) with
            {
                Replay = result.GetValue(replay) ?? [],
                Json = result.GetValue(json),
            };
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            return options.Replay.Count > 0
                ? ReplayRunner.Run(options, output, error, cancel)
                : await WatchRunner.RunAsync(options, output, error, cancel).ConfigureAwait(false);
        });
        return command;
    }
}
