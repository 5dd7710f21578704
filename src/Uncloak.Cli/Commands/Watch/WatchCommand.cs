using System.CommandLine;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>`uncloak watch`: the daemon in the foreground, or `--replay FILES` through the same engine on recorded logs.</summary>
public static class WatchCommand
{
    /// <summary>The verb; the CLI leaves the process's signals to this command (<c>UncloakCli.RunAsync</c>).</summary>
    public const string Name = "watch";

    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Daemon configuration (default: /etc/uncloak/uncloak.yaml; absent means defaults).", HelpName = "FILE" };
        var db = CommonOptions.Db();
        var simulate = new Option<bool>("--simulate") { Description = "Decide and record everything, ban and kill nothing (overrides the config's 'simulate')." };
        var scenarios = new Option<string[]>("--scenarios") { Description = "Extra scenario folder read after the shipped defaults and /etc/uncloak/scenarios.d (repeatable).", HelpName = "DIR" };
        var file = new Option<string[]>("--file") { Description = "Also follow this log file from its current end (repeatable); rotation by rename and copytruncate is handled.", HelpName = "PATH" };
        var noKmsg = new Option<bool>("--no-kmsg") { Description = "Do not read /dev/kmsg (the default source)." };
        var noSockets = new Option<bool>("--no-sockets") { Description = "Do not take socket-table and counter snapshots (sock_diag, every second by default)." };
        var metrics = new Option<string?>("--metrics") { Description = "Serve Prometheus /metrics on HOST:PORT, or 'off' (default 127.0.0.1:9477).", HelpName = "HOST:PORT" };
        var control = new Option<string?>("--control") { Description = "Answer 'uncloak status' on this root-only unix socket, or 'off' (default /run/uncloak/control.sock).", HelpName = "PATH" };
        var web = new Option<string?>("--web")
        {
            Description = "Serve the dashboard: 'on' (on the file's 'web.listen', default 127.0.0.1:9477 beside /metrics), HOST:PORT, or 'off'. " +
                "The login token is written to 'web.token_file' (default /run/uncloak/web.token, 0600); 'uncloak web url' prints the link.",
            HelpName = "on|HOST:PORT|off",
        };
        var journalUnit = new Option<string[]>("--journal-unit") { Description = "Also read this systemd unit's journal (repeatable), as 'sources.journal.units' does; added to the file's list.", HelpName = "UNIT" };
        var probe = new Option<string[]>("--probe")
        {
            Description = "Also probe this service (repeatable), added to the file's 'probes': http(s)://HOST[:PORT]/PATH expects status " +
                "200, tcp://HOST:PORT expects a connect; every 10 s, 3 s timeout, an outage after 2 failures in a row. Remedies and " +
                "other expectations need the config file.",
            HelpName = "URL",
        };
        var allow = new Option<string[]>("--allow") { Description = "Never ban this address or network (repeatable), added to the file's 'allowlist' (loopback, this host's addresses and your SSH client are always protected).", HelpName = "CIDR" };
        var webhook = new Option<string?>("--webhook") { Description = "POST every alert as JSON to this URL, replacing the file's 'alerts.webhook'; 'off' disables it.", HelpName = "URL" };
        var firewall = new Option<string?>("--firewall") { Description = "Ban backend, replacing the file's 'firewall': auto (nftables, else iptables+ipset), nftables, iptables, or off (bans recorded only).", HelpName = "BACKEND" };
        var maxBans = new Option<int?>("--max-bans-per-minute") { Description = "New bans allowed per minute before the rest are refused (default 30), replacing the file's key.", HelpName = "N" };
        var replay = new Option<string[]>("--replay")
        {
            Description = "Run the scenarios over recorded inputs instead of live sources, on the inputs' own clock (kernel logs in any " +
                "format analyze reads, or *.jsonl events), print the alerts and the actions they would cause, and exit. Nothing is banned.",
            HelpName = "FILES",
            AllowMultipleArgumentsPerToken = true,
        };
        var json = CommonOptions.Json();
        var verbose = new Option<bool>("--verbose") { Description = "Also log debug lines (suppressed alerts, every batch)." };
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
            "Examples:\n  uncloak watch --simulate\n  uncloak watch --probe https://127.0.0.1/health --allow 203.0.113.0/24 --webhook https://hooks.example/uncloak\n  uncloak watch --replay /var/log/kern.log.1 --json\n  uncloak watch --no-kmsg --file /var/log/kern.log --metrics off")
        {
            config, db, simulate, scenarios, file, noKmsg, noSockets, journalUnit, probe, allow, webhook, firewall, maxBans, metrics, control, web, replay, json, verbose,
        };
        command.SetAction(async (result, cancel) =>
        {
            var options = new WatchOptions
            {
                ConfigPath = result.GetValue(config),
                DbPath = result.GetValue(db),
                Simulate = result.GetValue(simulate),
                ExtraScenarios = result.GetValue(scenarios) ?? [],
                Files = result.GetValue(file) ?? [],
                NoKmsg = result.GetValue(noKmsg),
                NoSockets = result.GetValue(noSockets),
                Metrics = result.GetValue(metrics),
                Control = result.GetValue(control),
                Web = result.GetValue(web),
                JournalUnits = result.GetValue(journalUnit) ?? [],
                Probes = result.GetValue(probe) ?? [],
                Allow = result.GetValue(allow) ?? [],
                Webhook = result.GetValue(webhook),
                Firewall = result.GetValue(firewall),
                MaxBansPerMinute = result.GetValue(maxBans),
                Replay = result.GetValue(replay) ?? [],
                Json = result.GetValue(json),
                Verbose = result.GetValue(verbose),
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
