using Uncloak.Config;
using Uncloak.Core.Decisions;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>
/// Applies <c>uncloak watch</c>'s flags over the configuration file: a flag that names a setting wins over the file's key;
/// repeatable flags for lists (<c>--file</c>, <c>--probe</c>, <c>--allow</c>) add to the file's entries. Every bad flag
/// value is reported at once, as the config loader reports bad keys.
/// </summary>
public static class WatchOverrides
{
    public static WatchConfig Apply(WatchConfig config, WatchOptions options)
    {
        var errors = new List<ConfigError>();
        string? metrics = options.Metrics is null ? config.Metrics : options.Metrics is "off" ? null : options.Metrics;
        if (options.Metrics is not null && metrics is not null && !WatchConfigLoader.TrySplitHostPort(metrics, out _, out _))
        {
            errors.Add(Error("--metrics", $"'{metrics}' is not HOST:PORT (or off)"));
        }
        string? control = options.Control is null ? config.Control : options.Control is "off" ? null : options.Control;
        if (options.Control is not null && control is not null && (!control.StartsWith('/') || control.Length >= 108))
        {
            errors.Add(Error("--control", $"'{control}' is not an absolute socket path shorter than 108 bytes (or off)"));
        }
        var web = config.Web;
        switch (options.Web)
        {
            case null:
                break;
            case "on":
                web = web with { Enabled = true };
                break;
            case "off":
                web = web with { Enabled = false };
                break;
            case var listen when WatchConfigLoader.TrySplitHostPort(listen, out _, out _):
                web = web with { Enabled = true, Listen = listen };
                break;
            default:
                errors.Add(Error("--web", $"'{options.Web}' is not on, off or HOST:PORT"));
                break;
        }
        var probes = new List<ProbeConfig>(config.Probes);
        foreach (var text in options.Probes)
        {
            if (Probe(text) is { } probe)
            {
                if (probes.Any(p => p.Name == probe.Name))
                {
                    errors.Add(Error("--probe", $"a probe named '{probe.Name}' exists already"));
                }
                probes.Add(probe);
            }
            else
            {
                errors.Add(Error("--probe", $"'{text}' is neither an http(s):// URL nor tcp://HOST:PORT"));
            }
        }
        foreach (var cidr in options.Allow)
        {
            if (!Core.Decisions.BanTarget.TryParse(cidr, out _))
            {
                errors.Add(Error("--allow", $"'{cidr}' is not an address or network"));
            }
        }
        var alerts = config.Alerts;
        if (options.Webhook is { } hook)
        {
            if (hook == "off")
            {
                alerts = alerts with { Webhook = null };
            }
            else if (Uri.TryCreate(hook, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                alerts = alerts with { Webhook = uri };
            }
            else
            {
                errors.Add(Error("--webhook", $"'{hook}' is not an http:// or https:// URL (or off)"));
            }
        }
        var firewall = config.Firewall;
        if (options.Firewall is { } fw && !FirewallBackendNames.TryParse(fw, out firewall))
        {
            errors.Add(Error("--firewall", $"'{fw}' is not {FirewallBackendNames.Choices}"));
        }
        if (options.MaxBansPerMinute is { } max && max is < 1 or > 100_000)
        {
            errors.Add(Error("--max-bans-per-minute", $"{max} is outside 1..100000"));
        }
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return config with
        {
            Simulate = config.Simulate || options.Simulate,
            Kmsg = config.Kmsg && !options.NoKmsg,
            SignalsInterval = options.NoSockets ? null : config.SignalsInterval,
            Files = [.. config.Files, .. options.Files.Select(f => new FileSourceConfig(f, false))],
            JournalUnits = [.. config.JournalUnits, .. options.JournalUnits.Where(u => !config.JournalUnits.Contains(u))],
            Metrics = metrics,
            Control = control,
            Web = web,
            Probes = probes,
            Allowlist = [.. config.Allowlist, .. options.Allow],
            Alerts = alerts,
            Firewall = firewall,
            MaxBansPerMinute = options.MaxBansPerMinute ?? config.MaxBansPerMinute,
        };
    }

    /// <summary>A probe from a flag: <c>http(s)://…</c> checks for status 200, <c>tcp://HOST:PORT</c> connects; named after the URL or HOST:PORT, with the file's defaults (every 10 s, 3 s timeout, outage after 2 failures).</summary>
    private static ProbeConfig? Probe(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return null;
        }
        if (uri.Scheme is "http" or "https")
        {
            return new ProbeConfig { Name = text, Http = uri };
        }
        if (uri.Scheme == "tcp" && uri.Port > 0 && uri.AbsolutePath == "/")
        {
            string hostPort = uri.Authority;
            return WatchConfigLoader.TrySplitHostPort(hostPort, out _, out _) ? new ProbeConfig { Name = hostPort, Tcp = hostPort } : null;
        }
        return null;
    }

    private static ConfigError Error(string flag, string message) => new(flag, 0, 0, message);
}
