namespace Uncloak.Config;

/// <summary>Reads the <c>fleet:</c> section of <c>uncloak.yaml</c>; every problem is a located error in the shared list.</summary>
internal static class FleetConfigReader
{
    public static FleetConfig? Read(YamlMap f)
    {
        int before = f.Errors.Count;
        var servers = new List<Uri>();
        foreach (var (url, node) in f.Strings("servers", required: true))
        {
            if (Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme is "nats" or "tls" && u.Port > 0 && u.Host.Length > 0)
            {
                servers.Add(u);
            }
            else
            {
                f.Add(node, $"'{url}' is not a NATS server URL (nats://host:port or tls://host:port)");
            }
        }
        var host = f.String("host") ?? MachineHost();
        if (!FleetFilter.IsHostName(host))
        {
            var message = $"'host' must be letters, digits, '-' or '_' (it is a NATS subject token), not '{host}'";
            if (f.Node("host") is { } node)
            {
                f.Add(node, message);
            }
            else
            {
                f.Errors.Add(new ConfigError(f.File, f.Line, f.Column, message + " (the machine's name; set 'host:')"));
            }
        }
        var user = f.String("user");
        var password = f.String("password");
        if ((user is null) != (password is null))
        {
            f.Add(f.Node(user is null ? "password" : "user")!, "'user' and 'password' go together");
        }
        var nkey = f.String("nkey_seed_file");
        var creds = f.String("creds_file");
        int ways = (user is null ? 0 : 1) + (nkey is null ? 0 : 1) + (creds is null ? 0 : 1);
        if (ways > 1)
        {
            f.Errors.Add(new ConfigError(f.File, f.Line, f.Column, "choose one of user/password, nkey_seed_file and creds_file"));
        }
        foreach (var (name, path) in new[] { ("nkey_seed_file", nkey), ("creds_file", creds) })
        {
            if (path is not null && !path.StartsWith('/'))
            {
                f.Add(f.Node(name)!, $"'{name}' must be an absolute path");
            }
        }
        string? ca = null, cert = null, key = null;
        if (f.Map("tls") is { } t)
        {
            ca = Absolute(t, "ca");
            cert = Absolute(t, "cert");
            key = Absolute(t, "key");
            if ((cert is null) != (key is null))
            {
                t.Errors.Add(new ConfigError(t.File, t.Line, t.Column, "'cert' and 'key' go together"));
            }
            t.Finish();
        }
        var bucket = f.String("bucket") ?? FleetConfig.DefaultBucket;
        if (!FleetFilter.IsHostName(bucket))
        {
            f.Add(f.Node("bucket")!, "'bucket' must be letters, digits, '-' or '_'");
        }
        int replicas = f.Int("replicas", 3, 1, 5);
        var share = Filter(f, "share");
        var accept = Filter(f, "accept");
        int cap = f.Int("max_received_per_minute", 1000, 1, 1_000_000);
        var heartbeat = f.Duration("heartbeat", FleetConfig.DefaultHeartbeat);
        if (heartbeat < TimeSpan.FromSeconds(1) || heartbeat > TimeSpan.FromMinutes(10))
        {
            f.Add(f.Node("heartbeat")!, "'heartbeat' must be from 1s to 10m");
            heartbeat = FleetConfig.DefaultHeartbeat;
        }
        f.Finish();
        if (f.Errors.Count > before)
        {
            return null;
        }
        return new FleetConfig
        {
            Servers = servers, Host = host, User = user, Password = password, NkeySeedFile = nkey, CredsFile = creds,
            TlsCa = ca, TlsCert = cert, TlsKey = key, Bucket = bucket, Replicas = replicas, Share = share, Accept = accept,
            MaxReceivedPerMinute = cap, Heartbeat = heartbeat,
        };
    }

    private static string? Absolute(YamlMap m, string key)
    {
        var v = m.String(key);
        if (v is not null && !v.StartsWith('/'))
        {
            m.Add(m.Node(key)!, $"'{key}' must be an absolute path");
        }
        return v;
    }

    private static FleetFilter Filter(YamlMap f, string key)
    {
        if (f.Map(key) is not { } m)
        {
            return new FleetFilter();
        }
        var filter = new FleetFilter
        {
            Scenarios = [.. m.Strings("scenarios").Select(s => s.Value)],
            Origins = [.. m.Strings("origins").Select(s => s.Value)],
        };
        m.Finish();
        return filter;
    }

    /// <summary>The machine's short host name, with characters a subject token cannot hold replaced.</summary>
    private static string MachineHost()
        => new([.. Environment.MachineName.Split('.')[0].Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-')]);
}
