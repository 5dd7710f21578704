using System.CommandLine;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>
/// The live daemon's flags, spelled once: <c>uncloak watch</c> adds them to its verb (with <c>--replay</c> and <c>--json</c>),
/// and the daemon executable <c>uncloakd</c> (src/Uncloakd, which compiles this file) to its root, so both accept exactly
/// the same options and read them into the same <see cref="WatchOptions"/>.
/// </summary>
public sealed class WatchFlags
{
    private readonly Option<string?> _config = new("--config") { Description = "Daemon configuration (default: /etc/uncloak/uncloak.yaml; absent means defaults).", HelpName = "FILE" };
    private readonly Option<string?> _db = CommonOptions.Db();
    private readonly Option<bool> _simulate = new("--simulate") { Description = "Decide and record everything, ban and kill nothing (overrides the config's 'simulate')." };
    private readonly Option<string[]> _scenarios = new("--scenarios") { Description = "Extra scenario folder read after the shipped defaults and /etc/uncloak/scenarios.d (repeatable).", HelpName = "DIR" };
    private readonly Option<string[]> _file = new("--file") { Description = "Also follow this log file from its current end (repeatable); rotation by rename and copytruncate is handled.", HelpName = "PATH" };
    private readonly Option<bool> _noKmsg = new("--no-kmsg") { Description = "Do not read /dev/kmsg (the default source)." };
    private readonly Option<bool> _noSockets = new("--no-sockets") { Description = "Do not take socket-table and counter snapshots (sock_diag, every second by default)." };
    private readonly Option<string?> _metrics = new("--metrics") { Description = "Serve Prometheus /metrics on HOST:PORT, or 'off' (default 127.0.0.1:9477).", HelpName = "HOST:PORT" };
    private readonly Option<string?> _control = new("--control") { Description = "Answer 'uncloak status' on this root-only unix socket, or 'off' (default /run/uncloak/control.sock).", HelpName = "PATH" };
    private readonly Option<string?> _web = new("--web")
    {
        Description = "Serve the dashboard: 'on' (on the file's 'web.listen', default 127.0.0.1:9477 beside /metrics), HOST:PORT, or 'off'. " +
            "The login token is written to 'web.token_file' (default /run/uncloak/web.token, 0600); 'uncloak web url' prints the link.",
        HelpName = "on|HOST:PORT|off",
    };
    private readonly Option<string[]> _journalUnit = new("--journal-unit") { Description = "Also read this systemd unit's journal (repeatable), as 'sources.journal.units' does; added to the file's list.", HelpName = "UNIT" };
    private readonly Option<string[]> _probe = new("--probe")
    {
        Description = "Also probe this service (repeatable), added to the file's 'probes': http(s)://HOST[:PORT]/PATH expects status " +
            "200, tcp://HOST:PORT expects a connect; every 10 s, 3 s timeout, an outage after 2 failures in a row. Remedies and " +
            "other expectations need the config file.",
        HelpName = "URL",
    };
    private readonly Option<string[]> _allow = new("--allow") { Description = "Never ban this address or network (repeatable), added to the file's 'allowlist' (loopback, this host's addresses and your SSH client are always protected).", HelpName = "CIDR" };
    private readonly Option<string?> _webhook = new("--webhook") { Description = "POST every alert as JSON to this URL, replacing the file's 'alerts.webhook'; 'off' disables it.", HelpName = "URL" };
    private readonly Option<string?> _firewall = new("--firewall") { Description = "Ban backend, replacing the file's 'firewall': auto (nftables, else iptables+ipset), nftables, iptables, or off (bans recorded only).", HelpName = "BACKEND" };
    private readonly Option<int?> _maxBans = new("--max-bans-per-minute") { Description = "New bans allowed per minute before the rest are refused (default 30), replacing the file's key.", HelpName = "N" };
    private readonly Option<bool> _verbose = new("--verbose") { Description = "Also log debug lines (suppressed alerts, every batch)." };

    /// <summary>Adds every live flag to <paramref name="command"/>, in the order its help lists them.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { _config, _db, _simulate, _scenarios, _file, _noKmsg, _noSockets, _journalUnit, _probe, _allow, _webhook, _firewall, _maxBans, _metrics, _control, _web })
        {
            command.Add(option);
        }
    }

    /// <summary>Adds <c>--verbose</c>, which both list last.</summary>
    public void AddVerboseTo(Command command) => command.Add(_verbose);

    /// <summary>The parsed flags; replay and JSON, which only <c>uncloak watch</c> has, are left at their defaults.</summary>
    public WatchOptions Read(ParseResult result) => new()
    {
        ConfigPath = result.GetValue(_config),
        DbPath = result.GetValue(_db),
        Simulate = result.GetValue(_simulate),
        ExtraScenarios = result.GetValue(_scenarios) ?? [],
        Files = result.GetValue(_file) ?? [],
        NoKmsg = result.GetValue(_noKmsg),
        NoSockets = result.GetValue(_noSockets),
        Metrics = result.GetValue(_metrics),
        Control = result.GetValue(_control),
        Web = result.GetValue(_web),
        JournalUnits = result.GetValue(_journalUnit) ?? [],
        Probes = result.GetValue(_probe) ?? [],
        Allow = result.GetValue(_allow) ?? [],
        Webhook = result.GetValue(_webhook),
        Firewall = result.GetValue(_firewall),
        MaxBansPerMinute = result.GetValue(_maxBans),
        Verbose = result.GetValue(_verbose),
    };
}
