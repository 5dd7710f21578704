using System.CommandLine;
using Uncloak.Cli.Commands.Bans;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Rulesets;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>The options that define the hardening policy (shared by plan and apply, so both render the same ruleset).</summary>
public sealed class PolicyOptions
{
    public Option<string[]> Management { get; } = new("--mgmt")
    {
        Description = $"Management or monitoring network, accepted before any drop rule (repeatable). {BanOptions.DefaultAllowlistFile} and your own SSH client (SSH_CONNECTION) are added automatically.",
        HelpName = "CIDR",
    };

    public Option<string?> PublicInterface { get; } = new("--public-iface")
    {
        Description = "The internet-facing interface: bogon sources (private, documentation, multicast, …) are dropped only when they arrive there. Without it there is no bogon filter.",
        HelpName = "IFACE",
    };

    public Option<string?> Bogons { get; } = new("--bogons")
    {
        Description = "Bogon list to use (one CIDR per line). Default: /etc/uncloak/bogons if present, else the shipped config/bogons.",
        HelpName = "FILE",
    };

    public Option<int?> EchoRate { get; } = new("--echo-rate")
    {
        Description = "ICMP/ICMPv6 echo requests per second allowed per source (burst twice that); the rest are dropped. Default 5 (echo_rate).",
        HelpName = "N",
    };

    public Option<int?> EchoMaxBytes { get; } = new("--echo-max-bytes")
    {
        Description = "Drop echo requests longer than this many bytes (the incident's \"large pings\"). Default 1000 (echo_max_bytes).",
        HelpName = "BYTES",
    };

    public Option<string?> Config { get; } = new("--config")
    {
        Description = $"Policy file (YAML; keys as in the shipped config/firewall.yaml) instead of {PolicyConfig.UserFile}. Flags override it.",
        HelpName = "FILE",
    };

    public Option<string[]> ConnLimit { get; } = new("--conn-limit")
    {
        Description = "Per-source limit of concurrent connections to TCP ports, as PORTS:MAX, e.g. 80,443:100 (repeatable; replaces conn_limits of the config). New connections beyond it are dropped.",
        HelpName = "PORTS:MAX",
    };

    public Option<string> StateDir { get; } = new("--state-dir")
    {
        Description = "Where apply keeps the previous state and the pending confirmation.",
        DefaultValueFactory = _ => GuardState.DefaultDir,
        HelpName = "DIR",
    };

    public void AddTo(Command command)
    {
        foreach (var o in new Option[] { Config, Management, PublicInterface, Bogons, EchoRate, EchoMaxBytes, ConnLimit })
        {
            command.Add(o);
        }
    }

    /// <summary>Builds the policy from the config files and the flags; every invalid value is reported (all at once) and null returned.</summary>
    public FirewallPolicy? Build(ParseResult result, TextWriter error) => Build(result, error, out _);

    /// <summary>As <see cref="Build(ParseResult, TextWriter)"/>, also returning the configured confirm_within.</summary>
    public FirewallPolicy? Build(ParseResult result, TextWriter error, out string confirmWithin)
    {
        var configErrors = new List<ConfigError>();
        var config = PolicyConfig.Load(PolicyConfig.Files(result.GetValue(Config)), configErrors);
        var errors = configErrors.Select(e => e.ToString()).ToList();
        confirmWithin = config.ConfirmWithin;
        var management = new List<BanTarget>();
        foreach (var m in config.Management.Concat(result.GetValue(Management) ?? []))
        {
            if (BanTarget.TryParse(m, out var t, 128))
            {
                management.Add(t);
            }
            else
            {
                errors.Add($"--mgmt {m}: not an address or CIDR");
            }
        }
        if (File.Exists(BanOptions.DefaultAllowlistFile))
        {
            var (targets, bad) = TargetList.Parse(File.ReadLines(BanOptions.DefaultAllowlistFile), 128);
            management.AddRange(targets);
            errors.AddRange(bad.Select(b => $"{BanOptions.DefaultAllowlistFile}:{b}"));
        }
        foreach (var ssh in SafetyContext.SshClientsFrom(Environment.GetEnvironmentVariable("SSH_CONNECTION"), Environment.GetEnvironmentVariable("SSH_CLIENT")))
        {
            management.Add(BanTarget.For(ssh, ssh.IsV4 ? 32 : 128));
        }
        var limits = new List<ConnectionLimit>();
        var connLimits = result.GetValue(ConnLimit) is { Length: > 0 } given ? given : [.. config.ConnLimits];
        foreach (var c in connLimits)
        {
            if (ConnectionLimit.TryParse(c, out var limit))
            {
                limits.Add(limit!);
            }
            else
            {
                errors.Add($"--conn-limit {c}: write PORTS:MAX, e.g. 80,443:100");
            }
        }
        int echoRate = result.GetValue(EchoRate) ?? config.EchoRate, echoMax = result.GetValue(EchoMaxBytes) ?? config.EchoMaxBytes;
        if (echoRate < 1)
        {
            errors.Add("--echo-rate must be at least 1");
        }
        if (echoMax < 64)
        {
            errors.Add("--echo-max-bytes must be at least 64 (smaller would drop ordinary pings)");
        }
        string? iface = result.GetValue(PublicInterface) ?? config.PublicInterface;
        var bogons = new List<BanTarget>();
        if (iface is not null)
        {
            string? path = result.GetValue(Bogons) ?? config.Bogons ?? new[] { "/etc/uncloak/bogons", Path.Combine(AppContext.BaseDirectory, "config", "bogons") }.FirstOrDefault(File.Exists);
            if (path is null || !File.Exists(path))
            {
                errors.Add($"bogon list not found ({path ?? "config/bogons"}); pass --bogons FILE");
            }
            else
            {
                var (targets, bad) = TargetList.Parse(File.ReadLines(path), 128);
                bogons.AddRange(targets);
                errors.AddRange(bad.Select(b => $"{path}:{b}"));
            }
        }
        // A management network that is also a bogon (a private admin LAN) must stay reachable: accept wins, and it is listed first anyway.
        foreach (var e in errors)
        {
            error.WriteLine($"uncloak firewall: {e}");
        }
        return errors.Count > 0 ? null : new FirewallPolicy
        {
            Management = [.. management.Distinct()],
            PublicInterface = iface,
            Bogons = bogons,
            EchoPerSecond = echoRate,
            EchoMaxBytes = echoMax,
            ConnectionLimits = limits,
        };
    }

    /// <summary>net.ipv4.tcp_syncookies of this network namespace: 1 or 2 is what a SYN flood needs; null when unreadable.</summary>
    public static int? SynCookies()
    {
        try
        {
            return int.Parse(File.ReadAllText("/proc/sys/net/ipv4/tcp_syncookies").Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
