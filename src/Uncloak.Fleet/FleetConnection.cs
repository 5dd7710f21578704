using NATS.Client.Core;
using Uncloak.Config;

namespace Uncloak.Fleet;

/// <summary>The NATS client options a <see cref="FleetConfig"/> means: every server URL for fail-over, the host's credentials, TLS.</summary>
public static class FleetConnection
{
    public static NatsOpts Options(FleetConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        bool tls = config.TlsCa is not null || config.TlsCert is not null || config.Servers.Any(s => s.Scheme == "tls");
        return NatsOpts.Default with
        {
            Url = string.Join(',', config.Servers.Select(s => s.GetLeftPart(UriPartial.Authority))),
            Name = "uncloak-" + config.Host,
            AuthOpts = new NatsAuthOpts
            {
                Username = config.User,
                Password = config.Password,
                NKeyFile = config.NkeySeedFile,
                CredsFile = config.CredsFile,
            },
            TlsOpts = tls
                ? new NatsTlsOpts { Mode = TlsMode.Require, CaFile = config.TlsCa, CertFile = config.TlsCert, KeyFile = config.TlsKey }
                : NatsTlsOpts.Default,
            // The agent never gives up: a host cut off from the bus defends alone and catches up when it is back.
            MaxReconnectRetry = -1,
            ReconnectWaitMin = TimeSpan.FromMilliseconds(100),
            ReconnectWaitMax = TimeSpan.FromSeconds(5),
            ConnectTimeout = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(5),
        };
    }

    /// <summary>An exception and its causes in one line: the client wraps the server's "-ERR 'Authorization Violation'" a level or two down.</summary>
    public static string Describe(Exception e)
    {
        var parts = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (!parts.Contains(x.Message, StringComparer.Ordinal))
            {
                parts.Add(x.Message);
            }
        }
        return string.Join(": ", parts);
    }
}
