namespace Uncloak.Config;

/// <summary>
/// <c>web:</c> — the dashboard the daemon serves (docs/web.md). Off by default: turning it on puts a login token on disk
/// and a browser-facing listener beside <c>/metrics</c>, which an operator should choose, not inherit.
/// </summary>
public sealed record WebConfig
{
    /// <summary>Where the root-only login token is written at start (0600).</summary>
    public const string DefaultTokenFile = "/run/uncloak/web.token";

    /// <summary>Whether the dashboard is served at all.</summary>
    public bool Enabled { get; init; }

    /// <summary>
    /// <c>host:port</c> the dashboard listens on; when it equals the <c>metrics</c> address one listener serves both. The
    /// names in it (and <c>localhost</c>) are the only Host headers the dashboard answers (DNS rebinding).
    /// </summary>
    public string Listen { get; init; } = "127.0.0.1:9477";

    /// <summary>An absolute unix socket path to serve the dashboard on as well, or null.</summary>
    public string? Socket { get; init; }

    /// <summary>The login token's file.</summary>
    public string TokenFile { get; init; } = DefaultTokenFile;

    /// <summary>How long a browser session lasts after login.</summary>
    public TimeSpan SessionLifetime { get; init; } = TimeSpan.FromHours(12);
}
