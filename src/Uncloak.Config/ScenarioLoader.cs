using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;
using Uncloak.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Uncloak.Config;

/// <summary>
/// Reads scenarios (one mapping per YAML document, any number of documents per file) and profiles
/// (<c>profiles:</c> list) from the shipped folder, then the admin's drop-ins: a scenario or profile with an
/// existing name replaces it, <c>enabled: false</c> switches a scenario off. Everything is validated together —
/// unknown keys, bad values, profiles that do not exist, bans on spoofable events — and all errors are reported at once.
/// </summary>
public static class ScenarioLoader
{
    /// <summary>Loads every <c>*.yaml</c>/<c>*.yml</c> of <paramref name="folders"/> in order (later folders override earlier ones); missing folders are skipped.</summary>
    public static DetectionConfig LoadFolders(IEnumerable<string> folders)
    {
        var files = new List<(string Name, string Text)>();
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }
            foreach (var path in Directory.EnumerateFiles(folder).Where(IsYaml).Order(StringComparer.Ordinal))
            {
                files.Add((path, File.ReadAllText(path)));
            }
        }
        return Load(files);
    }

    public static bool IsYaml(string path) => path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".yml", StringComparison.Ordinal);

    /// <summary>Loads from texts (name, content) in override order. Throws <see cref="ConfigException"/> with every error.</summary>
    public static DetectionConfig Load(IEnumerable<(string Name, string Text)> files)
    {
        var errors = new List<ConfigError>();
        var scenarios = new Dictionary<string, (Scenario? Scenario, string Where)>(StringComparer.Ordinal);
        var order = new List<string>();
        var profiles = new Dictionary<string, RemediationProfile>(StringComparer.Ordinal);
        foreach (var (name, text) in files)
        {
            foreach (var doc in YamlFile.Documents(name, text, errors))
            {
                if (YamlMap.Of(name, doc, errors, "a scenario file's document") is not { } map)
                {
                    continue;
                }
                if (map.Contains("profiles"))
                {
                    foreach (var p in map.Maps("profiles"))
                    {
                        if (ReadProfile(p) is { } profile)
                        {
                            profiles[profile.Name] = profile;
                        }
                    }
                    map.Finish();
                    continue;
                }
                var (scenarioName, scenario) = ReadScenario(map);
                if (scenarioName is null)
                {
                    continue;
                }
                if (!scenarios.ContainsKey(scenarioName))
                {
                    order.Add(scenarioName);
                }
                scenarios[scenarioName] = (scenario, map.Where);
            }
        }
        var result = new List<Scenario>();
        foreach (var name in order)
        {
            var (scenario, where) = scenarios[name];
            if (scenario is null)
            {
                continue; // disabled
            }
            if (!profiles.TryGetValue(scenario.Profile, out var profile))
            {
                errors.Add(Located(scenario.Origin, $"scenario '{name}': profile '{scenario.Profile}' is not defined (known: {string.Join(", ", profiles.Keys.Order(StringComparer.Ordinal))})"));
                continue;
            }
            if (profile.Acts && scenario.CountsSpoofable)
            {
                errors.Add(Located(scenario.Origin, $"scenario '{name}' counts events whose sources can be forged ({string.Join(", ", scenario.Filter.Kinds.Select(k => k.Name()))}): " +
                    $"its profile '{profile.Name}' must not ban or kill sockets (a firewall LOG line or a half-open connection proves no reply path; " +
                    "answer SYN floods with SYN cookies and backlog, and use an alert profile)"));
                continue;
            }
            if (profile.Acts && scenario.GroupBy is GroupBy.LocalPort or GroupBy.Host)
            {
                errors.Add(Located(scenario.Origin, $"scenario '{name}' groups by {scenario.GroupBy}, which names no peer: profile '{profile.Name}' cannot ban or kill anything"));
                continue;
            }
            result.Add(scenario);
        }
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return new DetectionConfig(result, profiles);
    }

    private static ConfigError Located(string origin, string message)
    {
        int colon = origin.LastIndexOf(':');
        return colon > 0 && int.TryParse(origin.AsSpan(colon + 1), out int line)
            ? new ConfigError(origin[..colon], line, 1, message)
            : new ConfigError(origin, 0, 0, message);
    }

    /// <summary>Returns the name and the scenario, or the name and null when disabled; (null, null) when unusable.</summary>
    private static (string? Name, Scenario? Scenario) ReadScenario(YamlMap m)
    {
        int errorsBefore = m.Errors.Count;
        string? name = m.String("name", required: true);
        bool enabled = m.Bool("enabled", true);
        string description = m.String("description") ?? "";
        var kinds = new HashSet<EventKind>();
        foreach (var (k, node) in m.Strings("kinds", required: enabled))
        {
            if (EventKinds.TryParse(k, out var kind))
            {
                kinds.Add(kind);
            }
            else
            {
                m.Add(node, $"unknown event kind '{k}' (known: {string.Join(", ", EventKinds.All.Select(x => x.Name()))})");
            }
        }
        var forms = new HashSet<(EventKind, byte)>();
        foreach (var (f, node) in m.Strings("forms"))
        {
            if (FormNames.TryParse(kinds, f, out var form))
            {
                forms.Add(form);
            }
            else
            {
                var known = FormNames.For(kinds).ToList();
                m.Add(node, known.Count == 0 ? $"form '{f}': the scenario's kinds have no forms" : $"unknown form '{f}' (known for these kinds: {string.Join(", ", known)})");
            }
        }
        var ports = new HashSet<ushort>();
        foreach (var (p, node) in m.Strings("local_ports"))
        {
            if (ushort.TryParse(p, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out ushort port) && port != 0)
            {
                ports.Add(port);
            }
            else
            {
                m.Add(node, $"'{p}' is not a port (1-65535)");
            }
        }
        var flagsAll = Flags(m, "tcp_flags");
        var flagsNone = Flags(m, "tcp_flags_clear");
        var groupBy = GroupBy.Peer;
        if (m.Node("group_by") is { } gnode)
        {
            switch ((gnode as YamlScalarNode)?.Value)
            {
                case "peer": groupBy = GroupBy.Peer; break;
                case "network": groupBy = GroupBy.Network; break;
                case "local_port": groupBy = GroupBy.LocalPort; break;
                case "host": groupBy = GroupBy.Host; break;
                default: m.Add(gnode, "'group_by' must be peer, network, local_port or host"); break;
            }
        }
        var distinct = DistinctField.None;
        if (m.Node("distinct") is { } dnode)
        {
            switch ((dnode as YamlScalarNode)?.Value)
            {
                case "local_port": distinct = DistinctField.LocalPort; break;
                case "peer": distinct = DistinctField.Peer; break;
                case "peer_port": distinct = DistinctField.PeerPort; break;
                case "episode": distinct = DistinctField.Episode; break;
                default: m.Add(dnode, "'distinct' must be local_port, peer, peer_port or episode"); break;
            }
        }
        int minCount = m.Int("min_count", 0, 0, 1_000_000);
        var minHeld = m.Duration("min_held", TimeSpan.Zero, allowZero: true);
        if (minHeld > TimeSpan.Zero && !kinds.Contains(EventKind.ZeroWindowHold))
        {
            m.Add(m.Node("min_held")!, "'min_held' filters zero_window_hold events (how long the window was held shut): add zero_window_hold to 'kinds' or remove it");
        }
        int v4 = m.Int("v4_prefix", 24, 8, 32);
        int v6 = m.Int("v6_prefix", 64, 16, 128);
        int capacity = m.Int("capacity", 0, 0, 1_000_000, required: enabled);
        var leak = m.Duration("leak_every", TimeSpan.FromSeconds(1), required: enabled);
        var cooldown = m.Duration("cooldown", TimeSpan.FromMinutes(10), allowZero: true);
        string? profile = m.String("profile", required: enabled);
        m.Finish();
        if (name is null)
        {
            return (null, null);
        }
        if (!enabled)
        {
            return (name, null);
        }
        if (m.Errors.Count > errorsBefore || profile is null)
        {
            return (null, null);
        }
        return (name, new Scenario
        {
            Name = name,
            Description = description,
            Filter = new EventFilter { Kinds = kinds, Forms = forms, LocalPorts = ports, TcpFlagsAll = flagsAll, TcpFlagsNone = flagsNone, MinCount = minCount, MinHeld = minHeld },
            GroupBy = groupBy,
            V4Prefix = v4,
            V6Prefix = v6,
            Capacity = capacity,
            LeakEvery = leak,
            Distinct = distinct,
            Cooldown = cooldown,
            Profile = profile,
            Origin = m.Where,
        });
    }

    private static TcpFlags Flags(YamlMap m, string key)
    {
        var flags = TcpFlags.None;
        foreach (var (f, node) in m.Strings(key))
        {
            foreach (var part in f.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries))
            {
                if (Enum.TryParse<TcpFlags>(part, ignoreCase: true, out var flag) && flag != TcpFlags.None && Enum.IsDefined(flag))
                {
                    flags |= flag;
                }
                else
                {
                    m.Add(node, $"'{part}' is not a TCP flag (FIN, SYN, RST, PSH, ACK, URG, ECE, CWR)");
                }
            }
        }
        return flags;
    }

    private static RemediationProfile? ReadProfile(YamlMap m)
    {
        int errorsBefore = m.Errors.Count;
        string? name = m.String("name", required: true);
        BanAction? ban = null;
        if (m.Map("ban") is { } b)
        {
            var duration = b.Duration("duration", TimeSpan.FromHours(1), required: true);
            double factor = b.Double("escalate", 1, 1, 100);
            var max = b.Duration("max", TimeSpan.FromDays(30));
            b.Finish();
            ban = new BanAction(duration, factor, max);
        }
        bool kill = m.Bool("kill_sockets", false);
        bool alert = m.Bool("alert", true);
        bool simulate = m.Bool("simulate", false);
        var severity = AlertSeverity.Warning;
        if (m.Node("severity") is { } snode)
        {
            switch ((snode as YamlScalarNode)?.Value)
            {
                case "notice": severity = AlertSeverity.Notice; break;
                case "warning": severity = AlertSeverity.Warning; break;
                case "critical": severity = AlertSeverity.Critical; break;
                default: m.Add(snode, "'severity' must be notice, warning or critical"); break;
            }
        }
        var checks = new List<HostCheck>();
        foreach (var (c, node) in m.Strings("checks"))
        {
            switch (c)
            {
                case "syn_cookies": checks.Add(HostCheck.SynCookies); break;
                case "backlog": checks.Add(HostCheck.Backlog); break;
                default: m.Add(node, $"unknown check '{c}' (known: syn_cookies, backlog)"); break;
            }
        }
        m.Finish();
        if (name is null || m.Errors.Count > errorsBefore)
        {
            return null;
        }
        return new RemediationProfile
        {
            Name = name,
            Ban = ban,
            KillSockets = kill,
            Alert = alert,
            Severity = severity,
            Checks = checks,
            Simulate = simulate,
            Origin = m.Where,
        };
    }
}
