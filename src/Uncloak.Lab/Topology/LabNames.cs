using System.Net;

namespace Uncloak.Lab.Topology;

/// <summary>
/// The lab's namespaces and addresses. Five namespaces share one prefix: the server (<c>srv</c>), the attacker (<c>atk</c>)
/// and the router (<c>rtr</c>) on one LAN, the hub (<c>net</c>) that holds the bridge joining them, so not even the bridge
/// exists in the host namespace, and the legitimate client (<c>cli</c>) beyond the router, on its upstream link. The router
/// is the server's default gateway, so a fault on the LAN (the gateway) and one beyond it (upstream) differ. Addresses
/// come only from 198.18.0.0/15 and 2001:2::/48 (benchmarking ranges).
/// </summary>
public sealed record LabNames
{
    /// <summary>The prefix of <c>uncloak lab</c>: namespaces uncloak-srv, uncloak-atk, uncloak-cli, uncloak-net.</summary>
    public const string DefaultPrefix = "uncloak-";

    public LabNames(string prefix)
    {
        if (string.IsNullOrEmpty(prefix) || prefix.Length > 20 || !prefix.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
        {
            throw new ArgumentException("a namespace prefix is 1-20 letters, digits, '-' or '_'", nameof(prefix));
        }
        Prefix = prefix;
    }

    public string Prefix { get; }

    public string Server => Prefix + "srv";

    public string Attacker => Prefix + "atk";

    public string Client => Prefix + "cli";

    public string Hub => Prefix + "net";

    /// <summary>The router between the LAN and the client's side: the server's default gateway.</summary>
    public string Router => Prefix + "rtr";

    /// <summary>Every namespace of the lab, the hub last (deleting it removes the bridge and the hub ends of the veths).</summary>
    public IReadOnlyList<string> All => [Server, Attacker, Client, Router, Hub];

    public static LabNames Default { get; } = new(DefaultPrefix);

    public static readonly IPAddress ServerAddress = IPAddress.Parse("198.18.0.1");
    public static readonly IPAddress AttackerAddress = IPAddress.Parse("198.18.0.2");
    /// <summary>The client sits beyond the router, on the upstream link (198.18.1.0/24): every request crosses the gateway.</summary>
    public static readonly IPAddress ClientAddress = IPAddress.Parse("198.18.1.3");
    public static readonly IPAddress ServerAddress6 = IPAddress.Parse("2001:2::1");
    public static readonly IPAddress AttackerAddress6 = IPAddress.Parse("2001:2::2");
    public static readonly IPAddress ClientAddress6 = IPAddress.Parse("2001:2:0:1::3");

    /// <summary>The router's leg on the LAN: the server's (and attacker's) default gateway.</summary>
    public static readonly IPAddress GatewayAddress = IPAddress.Parse("198.18.0.254");
    public static readonly IPAddress GatewayAddress6 = IPAddress.Parse("2001:2::fe");

    /// <summary>The router's leg on the upstream link, towards the client.</summary>
    public static readonly IPAddress UpstreamGatewayAddress = IPAddress.Parse("198.18.1.254");
    public static readonly IPAddress UpstreamGatewayAddress6 = IPAddress.Parse("2001:2:0:1::fe");

    /// <summary>The link's prefix lengths.</summary>
    public const int PrefixLength4 = 24, PrefixLength6 = 64;

    /// <summary>
    /// Spoofed SYN-flood sources are drawn from here. The server routes it via the attacker, whose kernel does not forward,
    /// so SYN-ACKs to spoofed sources die inside the lab.
    /// </summary>
    public const string SpoofedNetwork = "198.18.128.0/17";

    /// <summary>The victim's HTTP port.</summary>
    public const int HttpPort = 8080;
}
