namespace Uncloak.Config;

/// <summary>A health check: HTTP(S) GET with expected status/content, or a TCP connect.</summary>
public sealed record ProbeConfig
{
    public required string Name { get; init; }

    /// <summary>http:// or https:// URL; null for a TCP probe.</summary>
    public Uri? Http { get; init; }

    /// <summary>host:port for a TCP probe.</summary>
    public string? Tcp { get; init; }

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(3);

    public int ExpectStatus { get; init; } = 200;

    public string? ExpectBody { get; init; }

    /// <summary>Consecutive failures that make an outage (one failed check is noise).</summary>
    public int Failures { get; init; } = 2;

    /// <summary>What to run during an outage (restart the service), with its guard rails; null for nothing.</summary>
    public RemedyConfig? OnOutage { get; init; }

    /// <summary>
    /// A cross-probe: this probe checks another fleet host's service, <c>HOST/PROBE</c> (its host name and the name of
    /// its own probe of that service). Its outages are published as that service seen from here, so the fleet report can
    /// tell a fault on the path between the hosts from one on the host itself; null for this host's own service.
    /// </summary>
    public string? Of { get; init; }

    /// <summary>The vantage probes run beside this probe (gateway, upstream, self); null for none.</summary>
    public VantageConfig? Vantage { get; init; }
}
