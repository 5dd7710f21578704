using Uncloak.Core.Decisions;

namespace Uncloak.Config;

/// <summary>The daemon's configuration (<c>/etc/uncloak/uncloak.yaml</c>); every key has a default, so an absent file is a valid config.</summary>
public sealed record WatchConfig
{
    public const string DefaultPath = "/etc/uncloak/uncloak.yaml";

    /// <summary>SQLite store; null means the default for the user.</summary>
    public string? Store { get; init; }

    /// <summary>Record every decision, carry none out.</summary>
    public bool Simulate { get; init; }

    /// <summary>Scenario drop-in folders read after the shipped defaults.</summary>
    public IReadOnlyList<string> ScenarioFolders { get; init; } = ["/etc/uncloak/scenarios.d"];

    public bool Kmsg { get; init; } = true;

    public bool JournalKernel { get; init; }

    public IReadOnlyList<string> JournalUnits { get; init; } = [];

    public IReadOnlyList<FileSourceConfig> Files { get; init; } = [];

    /// <summary>The default of <see cref="SignalsInterval"/>.</summary>
    public static readonly TimeSpan DefaultSignalsInterval = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Socket-table and counter snapshots every this long (sock_diag; root), or null when off. A second by default: a peer
    /// holding sixteen workers with zero windows takes a small server down at once, and the shipped scenarios confirm a hold
    /// over two or three snapshots (<c>uncloak lab matrix</c> measures it). A dump of 100,000 sockets costs about 0.2 s of
    /// CPU, so a server that large may prefer a longer interval.
    /// </summary>
    public TimeSpan? SignalsInterval { get; init; } = DefaultSignalsInterval;

    public bool Counters { get; init; } = true;

    /// <summary>The live packet source, or null when off (the default).</summary>
    public CaptureConfig? Capture { get; init; }

    public IReadOnlyList<ProbeConfig> Probes { get; init; } = [];

    /// <summary>host:port for Prometheus /metrics, or null when off. Loopback only unless the admin says otherwise.</summary>
    public string? Metrics { get; init; } = "127.0.0.1:9477";

    /// <summary>Path of the root-only control socket <c>uncloak status</c> asks, or null when off.</summary>
    public string? Control { get; init; } = "/run/uncloak/control.sock";

    public AlertConfig Alerts { get; init; } = new();

    /// <summary>How far before an outage events count as its lead-up (report correlation).</summary>
    public TimeSpan CorrelationWindow { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Ban backend: auto (nftables, else iptables+ipset), nftables, iptables, or off (bans recorded only).</summary>
    public FirewallBackend Firewall { get; init; } = FirewallBackend.Auto;

    /// <summary>New bans allowed per minute before the rest are refused (a misfiring scenario must not ban the world).</summary>
    public int MaxBansPerMinute { get; init; } = 30;

    /// <summary>Networks never banned (management, monitoring), CIDR text.</summary>
    public IReadOnlyList<string> Allowlist { get; init; } = [];

    /// <summary>How long the store keeps events, outages, actions and ended decisions; the daemon prunes on this schedule.</summary>
    public Core.Retention.RetentionPolicy Retention { get; init; } = new();

    /// <summary>Incident bundles: where, how many, and whether outages are captured at all.</summary>
    public ForensicsConfig Forensics { get; init; } = new();

    /// <summary>Where it was read from ("defaults" when no file exists).</summary>
    public string Origin { get; init; } = "defaults";
}
