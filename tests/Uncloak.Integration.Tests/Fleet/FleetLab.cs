using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// A real fleet: a 3-node NATS JetStream cluster (Debian's nats-server, JetStream on, routes between the nodes) running
/// in a "bus" namespace, and three agent namespaces (a, b, c) and a late joiner's (d), each joined to the bus by its own
/// veth pair (198.18.200.0/30, .4/30, .8/30, .12/30) with a default route over it, so an agent reaches every node of the cluster and
/// nothing else. Each agent is a real <c>uncloak watch</c> with its own store and its own nftables, under its own NATS
/// user. Namespaces are <c>ufl-&lt;id&gt;-*</c>; everything (servers, daemons, namespaces, files) goes on dispose, also
/// after a failed test.
/// </summary>
internal sealed class FleetLab : IDisposable
{
    public static readonly string[] Hosts = ["a", "b", "c"];

    /// <summary>The late joiner: linked and given a user like the others, started only by the tests that want it.</summary>
    public const string Late = "d";

    private static readonly string[] Links = [.. Hosts, Late];

    private readonly string _id = Convert.ToHexString(BitConverter.GetBytes(Random.Shared.Next())).ToLowerInvariant()[..6];
    private readonly Process?[] _nats = new Process?[3];
    private readonly Dictionary<string, DaemonProcess> _agents = new(StringComparer.Ordinal);
    private readonly List<string> _namespaces = [];
    private readonly bool _shippedRights;
    private readonly bool _tls;

    /// <param name="shippedRights">
    /// Run the cluster with the users and rights of the shipped <c>config/fleet/fleet-accounts.conf</c> verbatim (web-01,
    /// web-02, web-03 renamed a, b, c; the placeholder hashes replaced by the lab's passwords, the admin's is
    /// <c>secret-admin</c>) instead of the lab's unrestricted users.
    /// </param>
    /// <param name="tls">
    /// Run the documented setup's TLS: a CA made with openssl in the lab's directory, one server certificate for the
    /// nodes (clients and routes, <c>verify: true</c>: a client must present a certificate of that CA) and one client
    /// certificate per agent; agents connect to <c>tls://</c> URLs with <c>tls: {ca, cert, key}</c>.
    /// </param>
    public FleetLab(bool shippedRights = false, bool tls = false)
    {
        _shippedRights = shippedRights;
        _tls = tls;
        Dir = Directory.CreateTempSubdirectory("uncloak-fleet-").FullName;
        try
        {
            Bus = Add("bus");
            for (int i = 0; i < Links.Length; i++)
            {
                var ns = Add(Links[i]);
                string busSide = $"ufl{_id}{i}b", agentSide = $"ufl{_id}{i}a";
                Command.Run("ip", "link", "add", busSide, "netns", Bus, "type", "veth", "peer", "name", agentSide, "netns", ns);
                InNs(Bus, "ip", "addr", "add", $"198.18.200.{(4 * i) + 1}/30", "dev", busSide);
                InNs(Bus, "ip", "link", "set", busSide, "up");
                InNs(ns, "ip", "addr", "add", $"198.18.200.{(4 * i) + 2}/30", "dev", agentSide);
                InNs(ns, "ip", "link", "set", agentSide, "up");
                InNs(ns, "ip", "route", "add", "default", "via", $"198.18.200.{(4 * i) + 1}");
            }
            if (tls)
            {
                MakeCertificates();
            }
            for (int n = 0; n < 3; n++)
            {
                StartNats(n);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Dir { get; }

    public string Bus { get; }

    /// <summary>The namespace of agent <paramref name="host"/>.</summary>
    public string Ns(string host) => $"ufl-{_id}-{host}";

    public string Db(string host) => Path.Combine(Dir, host + ".db");

    /// <summary>The bus's end of agent <paramref name="host"/>'s link: its gateway, where nothing listens but the NATS nodes.</summary>
    public static string GatewayOf(string host) => $"198.18.200.{(4 * Array.IndexOf(Links, host)) + 1}";

    /// <summary>The address of agent <paramref name="host"/> on its link (its own address: banning it is refused there).</summary>
    public static string AddressOf(string host) => $"198.18.200.{(4 * Array.IndexOf(Links, host)) + 2}";

    public DaemonProcess Agent(string host) => _agents[host];

    /// <summary>
    /// Starts (or restarts) agent <paramref name="host"/>'s daemon and waits until it is connected to the bus;
    /// <paramref name="extra"/> is more of its config (top-level YAML, e.g. <c>probes:</c>); <paramref name="user"/>
    /// logs it in as another NATS user (with that user's lab password) than its own.
    /// </summary>
    public DaemonProcess StartAgent(string host, string? password = null, bool waitConnected = true, string extra = "", bool clientCertificate = true, string? user = null)
    {
        if (_agents.Remove(host, out var old))
        {
            old.Dispose();
        }
        int i = Array.IndexOf(Links, host);
        var config = Path.Combine(Dir, host + (password is null ? "" : "-bad") + ".yaml");
        var servers = string.Join(", ", Enumerable.Range(0, 3).Select(n => $"{(_tls ? "tls" : "nats")}://198.18.200.{(4 * i) + 1}:{4222 + n}"));
        var tls = !_tls ? "" : clientCertificate
            ? $"  tls: {{ ca: {Path.Combine(Dir, "ca.pem")}, cert: {Path.Combine(Dir, host + ".pem")}, key: {Path.Combine(Dir, host + ".key")} }}\n"
            : $"  tls: {{ ca: {Path.Combine(Dir, "ca.pem")} }}\n";
        File.WriteAllText(config, $$"""
            store: {{Db(host) + (password is null ? "" : "-bad")}}
            sources: { kmsg: false, sockets: off }
            metrics: off
            control: off
            firewall: {{(password is null ? "nftables" : "off")}}
            fleet:
              servers: [{{servers}}]
              host: {{host}}
              user: {{user ?? host}}
              password: {{password ?? "secret-" + (user ?? host)}}
              max_received_per_minute: 100000
            """ + "\n" + tls + extra);
        var d = DaemonProcess.StartIn(Ns(host), "watch", "--config", config);
        _agents[host + (password is null ? "" : "-bad")] = d;
        if (waitConnected)
        {
            WatchDeadline.Until(() => d.Log.Contains("fleet connected", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(90),
                () => $"agent {host} to join the fleet: {d.Log}\nnats: {NatsLogs()}");
            if (d.HasExited)
            {
                throw new InvalidOperationException($"agent {host} exited: {d.Log}");
            }
        }
        return d;
    }

    /// <summary>Stops agent <paramref name="host"/> as systemd would (SIGTERM) and waits for it.</summary>
    public void StopAgent(string host)
    {
        var d = _agents[host];
        d.Signal(DaemonProcess.SIGTERM);
        if (!d.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("agent did not stop: " + d.Log);
        }
    }

    /// <summary>Runs the CLI in agent <paramref name="host"/>'s namespace against its store.</summary>
    public Shell.Result Uncloak(string host, params string[] args) => Cli(host, [.. args, "--db", Db(host)]);

    /// <summary>Runs the CLI in namespace <paramref name="ns"/> with exactly <paramref name="args"/>.</summary>
    public static Shell.Result CliIn(string ns, params string[] args)
        => Shell.Run(["ip", "netns", "exec", ns, "dotnet", Path.Combine(AppContext.BaseDirectory, "uncloak.dll"), .. args]);

    public Shell.Result Cli(string host, params string[] args) => CliIn(Ns(host), args);

    /// <summary>The config file agent <paramref name="host"/> runs with.</summary>
    public string ConfigOf(string host) => Path.Combine(Dir, host + ".yaml");

    /// <summary>The IPv4 addresses in agent <paramref name="host"/>'s kernel ban set now (empty when the table is not there yet).</summary>
    public HashSet<string> KernelSet(string host)
    {
        var r = Shell.Run(["ip", "netns", "exec", Ns(host), "nft", "-j", "list", "set", "inet", "uncloak", "ban4"]);
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (r.ExitCode != 0)
        {
            return set;
        }
        using var doc = JsonDocument.Parse(r.Output);
        foreach (var item in doc.RootElement.GetProperty("nftables").EnumerateArray())
        {
            if (item.TryGetProperty("set", out var s) && s.TryGetProperty("elem", out var elems))
            {
                foreach (var e in elems.EnumerateArray())
                {
                    // Elements with a timeout are {"elem": {"val": "198.18.1.2", "timeout": …}}.
                    var v = e.ValueKind == JsonValueKind.String ? e : e.GetProperty("elem").GetProperty("val");
                    set.Add(v.GetString()!);
                }
            }
        }
        return set;
    }

    /// <summary>Kills NATS node <paramref name="n"/> (0..2) at once, as a crash would.</summary>
    public void KillNats(int n)
    {
        _nats[n]?.Kill();
        _nats[n]?.WaitForExit(10_000);
    }

    /// <summary>
    /// The JetStream consumers on the cluster now, summed over the live nodes' monitoring (<c>/jsz</c>; an agent's
    /// consumers are R1, each on one node), and the bans bucket's RePublish destination as node 1 reports it (null
    /// when it has none or node 1 is down).
    /// </summary>
    public (int Consumers, string? Republish) JetStream()
    {
        int consumers = 0;
        string? republish = null;
        for (int n = 0; n < 3; n++)
        {
            if (_nats[n] is not { HasExited: false })
            {
                continue;
            }
            var r = Shell.Run(["ip", "netns", "exec", Bus, "curl", "-sf", "--max-time", "5", $"http://127.0.0.1:{8222 + n}/jsz?accounts=true&streams=true&config=true"]);
            if (r.ExitCode != 0)
            {
                continue;
            }
            using var doc = JsonDocument.Parse(r.Output);
            consumers += doc.RootElement.TryGetProperty("consumers", out var c) ? c.GetInt32() : 0;
            if (n != 0 || !doc.RootElement.TryGetProperty("account_details", out var accounts))
            {
                continue;
            }
            foreach (var stream in accounts.EnumerateArray().Where(a => a.TryGetProperty("stream_detail", out _)).SelectMany(a => a.GetProperty("stream_detail").EnumerateArray()))
            {
                if (stream.GetProperty("name").GetString() == "KV_uncloak-bans" && stream.TryGetProperty("config", out var config) && config.TryGetProperty("republish", out var rp))
                {
                    republish = rp.GetProperty("dest").GetString();
                }
            }
        }
        return (consumers, republish);
    }

    /// <summary>
    /// Cuts agent <paramref name="host"/> off the bus (its namespace drops the NATS ports both ways, in a table of its
    /// own) and aborts its connections (SOCK_DESTROY, <c>ss -K</c>), so whatever is published meanwhile never reaches
    /// it live; <see cref="Reconnect"/> lifts the cut.
    /// </summary>
    public void CutOff(string host)
    {
        var rules = Path.Combine(Dir, host + "-cut.nft");
        File.WriteAllText(rules, """
            table inet ufl_cut {
              chain in { type filter hook input priority -10; policy accept; tcp sport 4222-4224 drop; }
              chain out { type filter hook output priority -10; policy accept; tcp dport 4222-4224 drop; }
            }
            """);
        InNs(Ns(host), "nft", "-f", rules);
        InNs(Ns(host), "ss", "-K", "-t", "state", "established");
    }

    public void Reconnect(string host) => InNs(Ns(host), "nft", "delete", "table", "inet", "ufl_cut");

    public string NatsLogs()
        => string.Join("\n", Enumerable.Range(1, 3).Select(n => Path.Combine(Dir, $"n{n}.log")).Where(File.Exists)
            .Select(p => string.Join("\n", File.ReadLines(p).TakeLast(15))));

    private void StartNats(int n)
    {
        var name = $"n{n + 1}";
        var routes = string.Join(", ", Enumerable.Range(0, 3).Where(o => o != n).Select(o => $"nats-route://127.0.0.1:{6222 + o}"));
        var users = string.Join(",\n      ", Links.Select(h => $$"""{ user: {{h}}, password: secret-{{h}} }"""));
        var accounts = $$"""
            accounts {
              UNCLOAK {
                jetstream: enabled
                users: [
                  {{users}}
                ]
              }
            }
            """;
        if (_shippedRights)
        {
            accounts = ShippedAccounts();
        }
        string tls = "", routeTls = "";
        if (_tls)
        {
            string cert = Path.Combine(Dir, "nats.pem"), key = Path.Combine(Dir, "nats.key"), ca = Path.Combine(Dir, "ca.pem");
            tls = $$"""tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{ca}}", verify: true, timeout: 2 }""";
            routeTls = $$""", tls { cert_file: "{{cert}}", key_file: "{{key}}", ca_file: "{{ca}}", timeout: 2 }""";
        }
        var conf = Path.Combine(Dir, name + ".conf");
        File.WriteAllText(conf, $$"""
            server_name: {{name}}
            listen: 0.0.0.0:{{4222 + n}}
            {{tls}}
            jetstream { store_dir: "{{Path.Combine(Dir, name)}}", max_memory_store: 64MB, max_file_store: 1GB }
            cluster { name: ufl, listen: 127.0.0.1:{{6222 + n}}, routes: [{{routes}}]{{routeTls}} }
            http: 127.0.0.1:{{8222 + n}}
            {{accounts}}
            """);
        var psi = new ProcessStartInfo("ip") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "netns", "exec", Bus, "nats-server", "-c", conf, "-l", Path.Combine(Dir, name + ".log") })
        {
            psi.ArgumentList.Add(a);
        }
        _nats[n] = Process.Start(psi)!;
    }

    /// <summary>The documented openssl steps (docs/fleet.md), with the lab's addresses as the server's names.</summary>
    private void MakeCertificates()
    {
        void Openssl(params string[] args) => Command.Run("openssl", args);
        string F(string name) => Path.Combine(Dir, name);
        Openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2", "-subj", "/CN=uncloak-fleet-ca", "-keyout", F("ca.key"), "-out", F("ca.pem"));
        var addresses = string.Join(",", Hosts.Select(GatewayOf).Append("127.0.0.1").Select(a => "IP:" + a));
        foreach (var (name, san) in new[] { ("nats", addresses) }.Concat(Hosts.Select(h => (h, "DNS:" + h))))
        {
            Openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-subj", "/CN=" + name, "-addext", "subjectAltName=" + san, "-keyout", F(name + ".key"), "-out", F(name + ".csr"));
            Openssl("x509", "-req", "-in", F(name + ".csr"), "-CA", F("ca.pem"), "-CAkey", F("ca.key"), "-CAcreateserial", "-days", "2", "-copy_extensions", "copy", "-out", F(name + ".pem"));
        }
    }

    private static string ShippedAccounts()
    {
        var text = File.ReadAllText(Path.Combine(AotBuild.RepositoryRoot(), "config", "fleet", "fleet-accounts.conf"));
        text = System.Text.RegularExpressions.Regex.Replace(text, "\"\\$2a\\$11\\$REPLACE\\.WITH\\.BCRYPT\\.HASH\\.OF\\.(\\w+)\\.PASSWORD[^\"]*\"",
            m => m.Groups[1].Value switch { "ADMIN" => "secret-admin", "WEB01" => "secret-a", "WEB02" => "secret-b", "WEB03" => "secret-c", var other => throw new InvalidOperationException("unknown user " + other) });
        return text.Replace("web-01", "a", StringComparison.Ordinal).Replace("web-02", "b", StringComparison.Ordinal).Replace("web-03", "c", StringComparison.Ordinal);
    }

    /// <summary>
    /// Publishes raw messages from agent <paramref name="host"/>'s namespace as <paramref name="user"/> with a bare NATS
    /// client (nats-publish.py), to NATS node 1: one line per message, <c>ok SUBJECT</c> or <c>err SUBJECT -ERR …</c>.
    /// </summary>
    public Shell.Result Publish(string host, string user, string password, params string[] subjectEqualsPayload)
        => Shell.Run(["ip", "netns", "exec", Ns(host), "/usr/bin/python3", Path.Combine(AppContext.BaseDirectory, "nats-publish.py"),
            GatewayOf(host), "4222", user, password, .. subjectEqualsPayload]);

    private string Add(string suffix)
    {
        var ns = $"ufl-{_id}-{suffix}";
        Command.Run("ip", "netns", "add", ns);
        _namespaces.Add(ns);
        InNs(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    private static void InNs(string ns, params string[] command) => Command.Run("ip", ["netns", "exec", ns, .. command]);

    public void Dispose()
    {
        foreach (var d in _agents.Values)
        {
            d.Dispose();
        }
        foreach (var p in _nats)
        {
            if (p is { HasExited: false })
            {
                p.Kill();
                p.WaitForExit(10_000);
            }
            p?.Dispose();
        }
        // Deleting a namespace deletes its ends of the veth pairs, and its nftables with it.
        foreach (var ns in _namespaces)
        {
            Command.Run("ip", check: false, "netns", "del", ns);
        }
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
            // A file a killed process still held: the temp dir is cleaned by the OS; the namespaces are what mattered.
        }
    }

    /// <summary>Writes <paramref name="count"/> addresses from 198.18.64.0 up (inside 198.18.0.0/15, away from the lab's links) to a file for <c>bans import</c>.</summary>
    public string BanList(string name, int count, int offset = 0)
    {
        const uint first = (198u << 24) | (18u << 16) | (64u << 8);
        var path = Path.Combine(Dir, name);
        File.WriteAllLines(path, Enumerable.Range(offset, count).Select(i =>
        {
            uint a = first + (uint)i;
            return string.Create(CultureInfo.InvariantCulture, $"{a >> 24}.{(a >> 16) & 255}.{(a >> 8) & 255}.{a & 255}");
        }));
        return path;
    }
}
