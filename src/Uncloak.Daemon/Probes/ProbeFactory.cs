using Uncloak.Config;
using Uncloak.Linux.Probes;

namespace Uncloak.Daemon.Probes;

/// <summary>The daemon's health probes from its config (an HTTP URL or a TCP host:port each); the caller disposes them.</summary>
public static class ProbeFactory
{
    public static List<(ProbeConfig Config, HealthProbe Probe)> Create(WatchConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var probes = new List<(ProbeConfig, HealthProbe)>();
        foreach (var p in config.Probes)
        {
            string? host = null;
            int port = 0;
            if (p.Tcp is not null)
            {
                // Validated when the config was loaded: a probe's tcp is always host:port here.
                WatchConfigLoader.TrySplitHostPort(p.Tcp, out host, out port);
            }
            probes.Add((p, new HealthProbe(p.Name, p.Http, host, port, p.Timeout, p.ExpectStatus, p.ExpectBody)));
        }
        return probes;
    }

    /// <summary>The vantage prober of <paramref name="config"/> (its <c>vantage:</c>), on the probe's timeout; null when it has none.</summary>
    public static VantageProber? Vantage(ProbeConfig config, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Vantage is { } v ? new VantageProber(v.Self, v.Gateway, v.Upstream, config.Timeout, time) : null;
    }
}
