namespace Uncloak.Config;

/// <summary>
/// <c>fleet:</c> in <c>uncloak.yaml</c>: the NATS JetStream cluster this host shares bans with, how it proves who it is,
/// what it shares and what it accepts. Absent means the host is alone (the default).
/// </summary>
public sealed record FleetConfig
{
    /// <summary>The KV bucket holding every host's shared bans (one key per host and target).</summary>
    public const string DefaultBucket = "uncloak-bans";

    /// <summary>Cluster URLs (<c>nats://</c> or <c>tls://</c>); the client fails over between them.</summary>
    public required IReadOnlyList<Uri> Servers { get; init; }

    /// <summary>The servers as they may be shown in messages and pages: scheme and authority, never the user:password a URL may carry.</summary>
    public string ServersShown => string.Join(", ", Servers.Select(Shown));

    /// <summary>One server as it may be shown (<c>nats://host:4222</c>).</summary>
    public static string Shown(Uri server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return $"{server.Scheme}://{server.Authority}";
    }

    /// <summary>This host's name in the fleet: the first token of every key it writes, and the <c>fleet:&lt;host&gt;</c> origin others store.</summary>
    public required string Host { get; init; }

    /// <summary>User name for user/password authentication, or null.</summary>
    public string? User { get; init; }

    /// <summary>Password for <see cref="User"/>, or null.</summary>
    public string? Password { get; init; }

    /// <summary>A file holding the host's nkey seed (<c>SU…</c>), or null.</summary>
    public string? NkeySeedFile { get; init; }

    /// <summary>A NATS credentials file (JWT + seed), or null.</summary>
    public string? CredsFile { get; init; }

    /// <summary>CA bundle the servers' certificates are checked against, or null for the system's.</summary>
    public string? TlsCa { get; init; }

    /// <summary>Client certificate (PEM) for mutual TLS, or null.</summary>
    public string? TlsCert { get; init; }

    /// <summary>Key of <see cref="TlsCert"/> (PEM), or null.</summary>
    public string? TlsKey { get; init; }

    /// <summary>KV bucket name.</summary>
    public string Bucket { get; init; } = DefaultBucket;

    /// <summary>Replicas of the bucket when this host creates it: 3 survives the loss of one node of a 3-node cluster.</summary>
    public int Replicas { get; init; } = 3;

    /// <summary>Which local decisions are shared.</summary>
    public FleetFilter Share { get; init; } = new();

    /// <summary>Which received decisions are applied.</summary>
    public FleetFilter Accept { get; init; } = new();

    /// <summary>Received bans applied per minute before the rest are refused (a compromised or misfiring host must not ban the world).</summary>
    public int MaxReceivedPerMinute { get; init; } = 1000;

    /// <summary>The default <see cref="Heartbeat"/>: a host record put every 10 s, fine for a few hundred hosts.</summary>
    public static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the agent rewrites its host record; <c>fleet status</c> calls a host silent after six of them. Every
    /// host's record is an R3 put: 10,000 hosts at 10 s are 1,000 puts/s on the cluster, at 60 s (docs/fleet.md "Scale") 167.
    /// </summary>
    public TimeSpan Heartbeat { get; init; } = DefaultHeartbeat;

    /// <summary>How old a host's record may be before the host is reported silent: six heartbeats.</summary>
    public TimeSpan SilentAfter => Heartbeat * 6;
}
