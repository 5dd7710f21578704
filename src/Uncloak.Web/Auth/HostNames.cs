using System.Net;

namespace Uncloak.Web.Auth;

/// <summary>
/// The <c>Host</c> headers the dashboard answers: the name or address it was told to listen on, and the loopback names
/// when it listens on loopback or every address, each with or without the port. Anything else is a DNS rebinding attempt
/// (a hostile page whose name now resolves to 127.0.0.1) or a proxy nobody configured, and is refused.
/// </summary>
public sealed class HostNames
{
    private readonly HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names for a listener on <paramref name="host"/>:<paramref name="port"/> (as written in the config).</summary>
    public HostNames(string host, int port)
    {
        string bare = host.Trim('[', ']');
        var names = new List<string> { bare.Contains(':', StringComparison.Ordinal) ? $"[{bare}]" : bare };
        if (IPAddress.TryParse(bare, out var ip) && (IPAddress.IsLoopback(ip) || ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            || bare.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            names.AddRange(["localhost", "127.0.0.1", "[::1]"]);
        }
        foreach (var name in names)
        {
            _names.Add(name);
            _names.Add(name + ":" + port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Whether a request's <c>Host</c> header is one of ours.</summary>
    public bool Allows(string? host) => !string.IsNullOrEmpty(host) && _names.Contains(host);
}
