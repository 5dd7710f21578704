using System.Globalization;
using YamlDotNet.RepresentationModel;
using Uncloak.Core.Decisions;
using Uncloak.Core.Probes;

namespace Uncloak.Config;

/// <summary>Reads <c>uncloak.yaml</c> strictly: unknown keys and bad values are errors with file:line, all reported together.</summary>
public static class WatchConfigLoader
{
    /// <summary>Loads <paramref name="path"/>; a missing file at the default path yields the defaults, a missing explicit file is an error.</summary>
    public static WatchConfig LoadFile(string path, bool mustExist)
    {
        if (!File.Exists(path))
        {
            if (mustExist)
            {
                throw new ConfigException([new ConfigError(path, 0, 0, "no such file")]);
            }
            return new WatchConfig();
        }
        return Load(path, File.ReadAllText(path));
    }

    public static WatchConfig Load(string name, string text)
    {
        var errors = new List<ConfigError>();
        var docs = YamlFile.Documents(name, text, errors);
        if (docs.Count > 1)
        {
            errors.Add(YamlMap.Error(name, docs[1], "uncloak.yaml holds one document"));
        }
        var config = new WatchConfig { Origin = name };
        if (docs.Count > 0 && YamlMap.Of(name, docs[0], errors, "uncloak.yaml") is { } m)
        {
            config = Read(m, config);
        }
        if (errors.Count > 0)
        {
            throw new ConfigException(errors);
        }
        return config;
    }

    /// <summary><c>sources: capture:</c>; <c>enabled: false</c> keeps the settings but turns the source off.</summary>
    private static CaptureConfig? ReadCapture(YamlMap c)
    {
        var d = new CaptureConfig();
        bool enabled = c.Bool("enabled", true);
        string iface = c.String("interface") ?? d.Interface;
        if (iface != "any" && (iface.Length is 0 or > 15 || iface.Contains('/', StringComparison.Ordinal) || iface.Any(char.IsWhiteSpace)))
        {
            c.Add(c.Node("interface")!, $"'{iface}' is not an interface name (at most 15 characters, no '/' or spaces) or 'any'");
        }
        var config = new CaptureConfig
        {
            Interface = iface,
            RingMegabytes = c.Int("ring_mb", d.RingMegabytes, 1, 1024),
            SnapLength = c.Int("snaplen", d.SnapLength, 64, 65535),
            MaxPacketsPerSecond = c.Int("max_packets_per_second", d.MaxPacketsPerSecond, 1_000, 10_000_000),
            MaxFlows = c.Int("max_flows", d.MaxFlows, 16, 16_777_216),
            ZeroWindowHold = c.Duration("zero_window_hold", d.ZeroWindowHold),
            SlowRead = c.Duration("slow_read", d.SlowRead),
            TinyWindowBytes = c.Int("tiny_window", d.TinyWindowBytes, 1, 1 << 20),
            SynFloodSyns = c.Int("syn_flood_syns", d.SynFloodSyns, 1, 10_000_000),
            CountWindow = c.Duration("count_window", d.CountWindow),
        };
        c.Finish();
        return enabled ? config : null;
    }

    private static WatchConfig Read(YamlMap m, WatchConfig d)
    {
        string? store = m.String("store");
        bool simulate = m.Bool("simulate", d.Simulate);
        var folders = m.Has("scenarios") ? m.Strings("scenarios").Select(s => s.Value).ToList() : d.ScenarioFolders;
        bool kmsg = d.Kmsg, journalKernel = d.JournalKernel;
        IReadOnlyList<string> units = d.JournalUnits;
        var files = new List<FileSourceConfig>();
        var signals = d.SignalsInterval;
        bool counters = d.Counters;
        var capture = d.Capture;
        if (m.Map("sources") is { } s)
        {
            kmsg = s.Bool("kmsg", kmsg);
            if (s.Node("sockets") is YamlScalarNode { Value: "off" or "false" })
            {
                signals = null;
            }
            else if (s.Map("sockets") is { } so)
            {
                signals = so.Bool("enabled", true) ? so.Duration("interval", WatchConfig.DefaultSignalsInterval) : null;
                counters = so.Bool("counters", true);
                so.Finish();
            }
            if (s.Node("capture") is YamlScalarNode { Value: "off" or "false" })
            {
                capture = null;
            }
            else if (s.Map("capture") is { } c)
            {
                capture = ReadCapture(c);
            }
            if (s.Map("journal") is { } j)
            {
                journalKernel = j.Bool("kernel", true);
                units = [.. j.Strings("units").Select(u => u.Value)];
                j.Finish();
            }
            var filesNode = s.Node("files");
            if (filesNode is YamlSequenceNode seq)
            {
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } p })
                    {
                        files.Add(new FileSourceConfig(p, false));
                    }
                    else if (YamlMap.Of(m.File, item, m.Errors, "a 'files' item") is { } f)
                    {
                        var path = f.String("path", required: true);
                        bool fromStart = f.Bool("from_start", false);
                        f.Finish();
                        if (path is not null)
                        {
                            files.Add(new FileSourceConfig(path, fromStart));
                        }
                    }
                }
            }
            else if (filesNode is { } bad)
            {
                s.Add(bad, "'files' must be a list of paths or {path, from_start} mappings");
            }
            s.Finish();
        }
        var probes = new List<ProbeConfig>();
        foreach (var p in m.Maps("probes"))
        {
            if (ReadProbe(p) is { } probe)
            {
                if (probes.Any(x => x.Name == probe.Name))
                {
                    p.Add(p.Node("name")!, $"probe name '{probe.Name}' is used twice");
                }
                probes.Add(probe);
            }
        }
        string? metrics = d.Metrics;
        if (m.Node("metrics") is { } mn)
        {
            var v = (mn as YamlScalarNode)?.Value;
            if (v is "off" or "false")
            {
                metrics = null;
            }
            else if (v is not null && TrySplitHostPort(v, out _, out _))
            {
                metrics = v;
            }
            else
            {
                m.Add(mn, "'metrics' must be host:port (127.0.0.1:9477) or off");
            }
        }
        string? control = d.Control;
        if (m.Node("control") is { } cn)
        {
            var v = (cn as YamlScalarNode)?.Value;
            if (v is "off" or "false")
            {
                control = null;
            }
            else if (v is not null && v.StartsWith('/') && v.Length < 108)
            {
                control = v;
            }
            else
            {
                m.Add(cn, "'control' must be an absolute socket path shorter than 108 bytes (/run/uncloak/control.sock) or off");
            }
        }
        var web = m.Map("web") is { } wm ? ReadWeb(wm, d.Web) : d.Web;
        var alerts = d.Alerts;
        if (m.Map("alerts") is { } a)
        {
            int perMinute = a.Int("per_minute", alerts.PerMinute, 1, 10_000);
            var dedupe = a.Duration("dedupe", alerts.Dedupe, allowZero: true);
            Uri? webhook = null;
            if (a.String("webhook") is { } w)
            {
                if (Uri.TryCreate(w, UriKind.Absolute, out var u) && (u.Scheme == "http" || u.Scheme == "https"))
                {
                    webhook = u;
                }
                else
                {
                    a.Add(a.Node("webhook")!, "'webhook' must be an http:// or https:// URL");
                }
            }
            SmtpConfig? smtp = null;
            if (a.Map("smtp") is { } sm)
            {
                var host = sm.String("host", required: true);
                int port = sm.Int("port", 25, 1, 65535);
                var from = sm.String("from", required: true);
                var to = sm.Strings("to", required: true).Select(t => t.Value).ToList();
                bool tls = sm.Bool("starttls", true);
                sm.Finish();
                if (host is not null && from is not null && to.Count > 0)
                {
                    smtp = new SmtpConfig(host, port, from, to, tls);
                }
            }
            a.Finish();
            alerts = new AlertConfig { PerMinute = perMinute, Dedupe = dedupe, Webhook = webhook, Smtp = smtp };
        }
        var window = m.Duration("correlation_window", d.CorrelationWindow);
        var firewall = d.Firewall;
        if (m.Node("firewall") is { } fw)
        {
            if (FirewallBackendNames.TryParse((fw as YamlScalarNode)?.Value, out var backend))
            {
                firewall = backend;
            }
            else
            {
                m.Add(fw, "'firewall' must be " + FirewallBackendNames.Choices);
            }
        }
        int maxBans = m.Int("max_bans_per_minute", d.MaxBansPerMinute, 1, 100_000);
        var allow = new List<string>();
        foreach (var (cidr, node) in m.Strings("allowlist"))
        {
            var addr = cidr.Split('/')[0];
            if (!Core.Decisions.BanTarget.TryParse(cidr, out _))
            {
                m.Add(node, $"'{cidr}' is not an address or network");
            }
            allow.Add(cidr);
        }
        var retention = d.Retention;
        if (m.Map("retention") is { } rm)
        {
            retention = new Core.Retention.RetentionPolicy
            {
                Events = KeepFor(rm, "events", retention.Events),
                Outages = KeepFor(rm, "outages", retention.Outages),
                Actions = KeepFor(rm, "actions", retention.Actions),
                Decisions = KeepFor(rm, "decisions", retention.Decisions),
                Every = rm.Duration("every", retention.Every),
                Batch = rm.Int("batch", retention.Batch, 100, 10_000_000),
            };
            rm.Finish();
        }
        var fleet = d.Fleet;
        if (m.Map("fleet") is { } flm)
        {
            fleet = FleetConfigReader.Read(flm);
        }
        var forensics = d.Forensics;
        if (m.Map("forensics") is { } fm)
        {
            forensics = ReadForensics(fm, forensics);
        }
        m.Finish();
        return d with
        {
            Fleet = fleet,
            Forensics = forensics,
            Retention = retention,
            Store = store,
            Simulate = simulate,
            ScenarioFolders = folders,
            Kmsg = kmsg,
            JournalKernel = journalKernel,
            JournalUnits = units,
            Files = files,
            SignalsInterval = signals,
            Counters = counters,
            Capture = capture,
            Probes = probes,
            Metrics = metrics,
            Control = control,
            Web = web,
            Alerts = alerts,
            CorrelationWindow = window,
            Firewall = firewall,
            MaxBansPerMinute = maxBans,
            Allowlist = allow,
        };
    }

    /// <summary><c>forensics:</c>; <c>capture: off</c> keeps the settings (for <c>uncloak incidents</c>) but captures nothing.</summary>
    private static ForensicsConfig ReadForensics(YamlMap f, ForensicsConfig d)
    {
        string? dir = f.String("dir") ?? d.Directory;
        if (dir is not null && !Path.IsPathFullyQualified(dir))
        {
            f.Add(f.Node("dir")!, $"'dir' must be an absolute path, not '{dir}'");
        }
        bool capture = d.Capture;
        if (f.Node("capture") is YamlScalarNode { Value: { } c })
        {
            capture = c is "on" or "true" || (c is not ("off" or "false") && Invalid(f, "capture", "'capture' must be on or off"));
        }
        else if (f.Node("capture") is { } bad)
        {
            f.Add(bad, "'capture' must be on or off");
        }
        var config = new ForensicsConfig
        {
            Directory = dir,
            Keep = f.Int("keep", d.Keep, 1, 100_000),
            MaxBytes = f.Bytes("max_bytes", d.MaxBytes, 1L << 20, 1L << 40),
            MaxBundleBytes = f.Bytes("max_bundle_bytes", d.MaxBundleBytes, 1L << 20, 1L << 30),
            Capture = capture,
            Baseline = f.Has("baseline") && f.Node("baseline") is YamlScalarNode { Value: "off" or "0" } ? TimeSpan.Zero : f.Duration("baseline", d.Baseline),
            Packets = f.Node("packets") switch
            {
                null => d.Packets,
                YamlScalarNode { Value: "off" or "false" } => null,
                YamlScalarNode { Value: "on" or "true" } => d.Packets ?? new PacketsConfig(),
                _ when f.Map("packets") is { } pm => ReadPackets(pm, d.Packets ?? new PacketsConfig()),
                _ => null,
            },
        };
        f.Finish();
        return config;
    }

    /// <summary>
    /// <c>forensics: packets:</c> — window, max_bytes, max_packets, snaplen, interface, and ports (<c>service</c>,
    /// <c>all</c> or a list of port numbers); <c>enabled: false</c> keeps the settings but captures nothing.
    /// </summary>
    private static PacketsConfig? ReadPackets(YamlMap p, PacketsConfig d)
    {
        bool enabled = p.Bool("enabled", true);
        string iface = p.String("interface") ?? d.Interface;
        if (iface != "any" && (iface.Length is 0 or > 15 || iface.Contains('/', StringComparison.Ordinal) || iface.Any(char.IsWhiteSpace)))
        {
            p.Add(p.Node("interface")!, $"'{iface}' is not an interface name (at most 15 characters, no '/' or spaces) or 'any'");
        }
        var ports = d.Ports;
        var list = d.PortList;
        switch (p.Node("ports"))
        {
            case null:
                break;
            case YamlScalarNode { Value: "service" }:
                ports = PacketPorts.Service;
                break;
            case YamlScalarNode { Value: "all" }:
                ports = PacketPorts.All;
                break;
            case YamlSequenceNode seq when seq.Children.Count is > 0 and <= PacketsConfig.MaxPorts:
                var numbers = new List<int>();
                foreach (var item in seq.Children)
                {
                    if (item is YamlScalarNode { Value: { } v } && int.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536)
                    {
                        numbers.Add(port);
                    }
                    else
                    {
                        p.Add(item, $"'ports' items must be port numbers from 1 to 65535, not '{(item as YamlScalarNode)?.Value ?? item.NodeType.ToString()}'");
                    }
                }
                ports = PacketPorts.List;
                list = [.. numbers.Distinct().Order()];
                break;
            case var bad:
                p.Add(bad, $"'ports' must be service, all, or a list of 1 to {PacketsConfig.MaxPorts} port numbers ([80, 443])");
                break;
        }
        var config = new PacketsConfig
        {
            Window = p.Duration("window", d.Window),
            MaxBytes = p.Bytes("max_bytes", d.MaxBytes, 64L << 10, 1L << 30),
            MaxPackets = p.Int("max_packets", d.MaxPackets, 16, 10_000_000),
            SnapLength = p.Int("snaplen", d.SnapLength, 64, 1500),
            Interface = iface,
            Ports = ports,
            PortList = list,
        };
        p.Finish();
        return enabled ? config : null;
    }

    private static bool Invalid(YamlMap m, string key, string message)
    {
        m.Add(m.Node(key)!, message);
        return false;
    }

    /// <summary><c>web:</c>: enabled, listen (host:port), socket (absolute path), token_file, session (a duration).</summary>
    private static WebConfig ReadWeb(YamlMap w, WebConfig d)
    {
        bool enabled = w.Bool("enabled", d.Enabled);
        string listen = w.String("listen") ?? d.Listen;
        if (!TrySplitHostPort(listen, out _, out _))
        {
            w.Add(w.Node("listen")!, "'listen' must be host:port (127.0.0.1:9477)");
        }
        string? socket = w.String("socket") ?? d.Socket;
        if (socket is not null && (!socket.StartsWith('/') || socket.Length >= 108))
        {
            w.Add(w.Node("socket")!, "'socket' must be an absolute socket path shorter than 108 bytes");
        }
        string token = w.String("token_file") ?? d.TokenFile;
        if (!token.StartsWith('/'))
        {
            w.Add(w.Node("token_file")!, "'token_file' must be an absolute path (/run/uncloak/web.token)");
        }
        var session = w.Duration("session", d.SessionLifetime);
        if (session < TimeSpan.FromMinutes(1) || session > TimeSpan.FromDays(30))
        {
            w.Add(w.Node("session")!, "'session' must be between 1m and 30d");
        }
        w.Finish();
        return new WebConfig { Enabled = enabled, Listen = listen, Socket = socket, TokenFile = token, SessionLifetime = session };
    }

    /// <summary>A retention age: a duration, or <c>forever</c> (null: never pruned).</summary>
    private static TimeSpan? KeepFor(YamlMap m, string key, TimeSpan? fallback)
        => m.Node(key) is YamlScalarNode { Value: "forever" } ? null : m.Has(key) ? m.Duration(key, fallback ?? TimeSpan.Zero) : fallback;

    private static ProbeConfig? ReadProbe(YamlMap p)
    {
        int before = p.Errors.Count;
        var name = p.String("name", required: true);
        var http = p.String("http");
        var tcp = p.String("tcp");
        var interval = p.Duration("interval", TimeSpan.FromSeconds(10));
        var timeout = p.Duration("timeout", TimeSpan.FromSeconds(3));
        int status = p.Int("expect_status", 200, 100, 599);
        var body = p.String("expect_body");
        int failures = p.Int("failures", 2, 1, 100);
        var of = p.String("of");
        if (of is not null && !(of.Split('/') is [var ofHost, var ofProbe] && FleetFilter.IsHostName(ofHost) && ofProbe.Length > 0))
        {
            p.Add(p.Node("of")!, "'of' must be HOST/PROBE: another fleet host's name and the name of its own probe of that service");
        }
        if (of is not null && p.Has("on_outage"))
        {
            p.Add(p.Node("on_outage")!, "a cross-probe ('of') checks another host's service: it cannot restart anything here");
        }
        RemedyConfig? remedy = null;
        if (p.Map("on_outage") is { } r)
        {
            var commands = new List<RemedyStep>();
            if (r.Has("command"))
            {
                commands.Add(new RemedyStep([.. r.Strings("command").Select(c => c.Value)]));
            }
            if (r.String("restart_unit") is { } unit)
            {
                commands.Add(RemedyStep.Restart(unit));
            }
            if (r.String("bounce_interface") is { } iface)
            {
                // Down then up: the link renegotiates (a NIC stuck after a hang often needs exactly this).
                commands.Add(new RemedyStep(["ip", "link", "set", "dev", iface, "down"]));
                commands.Add(new RemedyStep(["ip", "link", "set", "dev", iface, "up"]));
            }
            if (commands.Count == 0 || commands.Any(c => c.Command.Count == 0))
            {
                r.Errors.Add(new ConfigError(r.File, r.Line, 1, "'on_outage' needs 'command: [program, args…]', 'restart_unit: NAME' or 'bounce_interface: NAME'"));
            }
            int max = r.Int("max_attempts", 3, 1, 100);
            var backoff = r.Duration("backoff", TimeSpan.FromMinutes(1));
            var notWhen = new List<Core.Events.EventKind>();
            if (r.Has("not_when"))
            {
                foreach (var (k, node) in r.Strings("not_when"))
                {
                    if (Core.Events.EventKinds.TryParse(k, out var kind))
                    {
                        notWhen.Add(kind);
                    }
                    else
                    {
                        r.Add(node, $"unknown event kind '{k}'");
                    }
                }
            }
            else
            {
                notWhen.AddRange(Core.Probes.RemedyPolicy.DefaultNotWhen);
            }
            r.Finish();
            remedy = new RemedyConfig(commands, max, backoff, notWhen);
        }
        VantageConfig? vantage = p.Map("vantage") is { } v ? ReadVantage(v) : null;
        Uri? uri = null;
        if (http is not null && tcp is not null)
        {
            p.Add(p.Node("tcp")!, "a probe is either http or tcp, not both");
        }
        else if (http is null && tcp is null)
        {
            p.Errors.Add(new ConfigError(p.File, p.Line, 1, "a probe needs 'http: URL' or 'tcp: host:port'"));
        }
        else if (http is not null && !(Uri.TryCreate(http, UriKind.Absolute, out uri) && (uri.Scheme == "http" || uri.Scheme == "https")))
        {
            p.Add(p.Node("http")!, "'http' must be an http:// or https:// URL");
        }
        else if (tcp is not null && !TrySplitHostPort(tcp, out _, out _))
        {
            p.Add(p.Node("tcp")!, "'tcp' must be host:port ([v6]:port for IPv6)");
        }
        if (p.Errors.Count == before && timeout >= interval)
        {
            p.Errors.Add(new ConfigError(p.File, p.Line, 1, "'timeout' must be shorter than 'interval'"));
        }
        p.Finish();
        if (name is null || p.Errors.Count > before)
        {
            return null;
        }
        return new ProbeConfig { Name = name, Http = uri, Tcp = tcp, Interval = interval, Timeout = timeout, ExpectStatus = status, ExpectBody = body, Failures = failures, OnOutage = remedy, Vantage = vantage, Of = of };
    }

    /// <summary><c>vantage: { self: ADDR:PORT, gateway: true, upstream: [ADDR, ADDR:PORT, …] }</c>; literal addresses only.</summary>
    private static VantageConfig ReadVantage(YamlMap v)
    {
        Core.Forensics.VantageTarget? self = null;
        if (v.String("self") is { } s)
        {
            if (Core.Forensics.VantageTarget.TryParse(s, out var t) && !t.IsIcmp)
            {
                self = t;
            }
            else
            {
                v.Add(v.Node("self")!, $"'self' must be the service's address and port (203.0.113.7:443, [2001:db8::7]:443), not '{s}'");
            }
        }
        bool gateway = v.Bool("gateway", true);
        var upstream = new List<Core.Forensics.VantageTarget>();
        foreach (var (text, node) in v.Strings("upstream"))
        {
            if (Core.Forensics.VantageTarget.TryParse(text, out var t))
            {
                upstream.Add(t);
            }
            else
            {
                v.Add(node, $"'{text}' is not an address (ICMP echo) or address:port (TCP connect); names are not allowed, DNS may be what is down");
            }
        }
        if (upstream.Count > 16)
        {
            v.Add(v.Node("upstream")!, "at most 16 upstream targets: every one is probed on every interval");
        }
        v.Finish();
        return new VantageConfig { Self = self, Gateway = gateway, Upstream = upstream };
    }

    /// <summary>Splits <c>host:port</c> or <c>[v6]:port</c>.</summary>
    public static bool TrySplitHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        int colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
        {
            return false;
        }
        host = text[..colon].Trim('[', ']');
        return host.Length > 0;
    }
}
