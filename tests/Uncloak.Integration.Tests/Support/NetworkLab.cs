using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Two network namespaces joined by a veth pair: a server (198.19.N.1/24, 2001:2:0:N::1/64) and a peer (198.19.N.2/24,
/// 2001:2:0:N::2/64), inside 198.18.0.0/15 and 2001:2::/48. The server routes 198.18.0.0/16 to the peer so SYN-ACKs to spoofed 198.18.x sources leave by that link
/// (and die there: the peer does not forward). Nothing touches the host's own interfaces, routes or firewall. Disposing
/// deletes both namespaces (and with them the veth pair, sockets' routes and any nft rules inside); leftovers of a crashed
/// run are deleted by name prefix when the next lab is created.
/// </summary>
public sealed class NetworkLab : IDisposable
{
    public const string Prefix = "uc-t-sig";

    private NetworkLab(string tag, int subnet)
    {
        Server = $"{Prefix}{tag}s";
        Peer = $"{Prefix}{tag}p";
        ServerAddress = IPAddress.Parse($"198.19.{subnet}.1");
        PeerAddress = IPAddress.Parse($"198.19.{subnet}.2");
        ServerAddress6 = IPAddress.Parse($"2001:2:0:{subnet:x}::1");
        PeerAddress6 = IPAddress.Parse($"2001:2:0:{subnet:x}::2");
    }

    public string Server { get; }

    public string Peer { get; }

    public IPAddress ServerAddress { get; }

    public IPAddress PeerAddress { get; }

    /// <summary>The server's IPv6 address (2001:2:0:N::1/64, inside 2001:2::/48).</summary>
    public IPAddress ServerAddress6 { get; }

    public IPAddress PeerAddress6 { get; }

    public static NetworkLab Create()
    {
        DeleteLeftovers();
        string tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3));
        var lab = new NetworkLab(tag, RandomNumberGenerator.GetInt32(1, 255));
        try
        {
            lab.Build(tag);
            return lab;
        }
        catch
        {
            lab.Dispose();
            throw;
        }
    }

    private void Build(string tag)
    {
        string sIf = "ucs" + tag, pIf = "ucp" + tag;
        Command.Run("ip", "netns", "add", Server);
        Command.Run("ip", "netns", "add", Peer);
        // Created directly inside the namespaces: the veth pair never exists in the host namespace.
        Command.Run("ip", "link", "add", sIf, "netns", Server, "type", "veth", "peer", "name", pIf, "netns", Peer);
        Command.Run("ip", "-n", Server, "addr", "add", $"{ServerAddress}/24", "dev", sIf);
        Command.Run("ip", "-n", Peer, "addr", "add", $"{PeerAddress}/24", "dev", pIf);
        // nodad: usable at once, no duplicate-address detection delay on a link that only these two namespaces share.
        Command.Run("ip", "-n", Server, "addr", "add", $"{ServerAddress6}/64", "dev", sIf, "nodad");
        Command.Run("ip", "-n", Peer, "addr", "add", $"{PeerAddress6}/64", "dev", pIf, "nodad");
        foreach (var (ns, dev) in new[] { (Server, sIf), (Peer, pIf) })
        {
            Command.Run("ip", "-n", ns, "link", "set", "lo", "up");
            Command.Run("ip", "-n", ns, "link", "set", dev, "up");
        }
        Command.Run("ip", "-n", Server, "route", "add", "198.18.0.0/16", "via", PeerAddress.ToString());
        // New namespaces inherit the host's IPv4 conf; spoofed-source tests need the server to accept any source on the link.
        foreach (var key in new[] { "all", "default", sIf })
        {
            Command.Run("ip", "netns", "exec", Server, "sysctl", "-qw", $"net.ipv4.conf.{key}.rp_filter=0");
        }
    }

    /// <summary>Runs <paramref name="work"/> on a thread inside the server namespace.</summary>
    public T InServer<T>(Func<T> work) => NetNamespace.Run(Server, work);

    public T InPeer<T>(Func<T> work) => NetNamespace.Run(Peer, work);

    /// <summary>Drops every RST the peer namespace sends, so its kernel does not reset connections a raw socket drives.</summary>
    public void DropPeerResets()
    {
        Command.Run("ip", "netns", "exec", Peer, "nft", "add", "table", "inet", "uc_t_sig");
        Command.Run("ip", "netns", "exec", Peer, "nft", "add", "chain", "inet", "uc_t_sig", "out", "{ type filter hook output priority 0 ; policy accept ; }");
        Command.Run("ip", "netns", "exec", Peer, "nft", "add", "rule", "inet", "uc_t_sig", "out", "tcp", "flags", "rst", "drop");
    }

    public void Dispose()
    {
        Command.Run("ip", check: false, "netns", "del", Server);
        Command.Run("ip", check: false, "netns", "del", Peer);
    }

    private static void DeleteLeftovers()
    {
        string json = Command.Run("ip", check: false, "-j", "netns", "list");
        if (string.IsNullOrWhiteSpace(json))
        {
            return;
        }
        foreach (var ns in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            if (ns.TryGetProperty("name", out var name) && name.GetString() is { } n && n.StartsWith(Prefix, StringComparison.Ordinal))
            {
                Command.Run("ip", check: false, "netns", "del", n);
            }
        }
    }
}
