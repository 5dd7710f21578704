using System.Text.Json;

namespace Uncloak.Lab.Topology;

/// <summary>
/// Builds, inspects and removes the lab. Every command names a lab namespace (<c>ip -n</c>, <c>ip netns exec</c>); veth pairs
/// are created inside the hub with their far end placed straight into a leaf namespace, so nothing ever appears in the host
/// namespace and the host's interfaces, routes, firewall and sysctls are never touched. Removal finds leftovers by name, so
/// <see cref="Down"/> also cleans up after a crashed run.
/// </summary>
public static class LabTopology
{
    private const string Bridge = "br0";
    private const string LeafDevice = "eth0";

    /// <summary>The router's LAN leg (on the bridge) and its upstream leg (to the client).</summary>
    public const string RouterLanDevice = "lan0", RouterUpstreamDevice = "up0";

    /// <summary>The server's (and every LAN leaf's) interface.</summary>
    public const string ServerDevice = LeafDevice;

    /// <summary>Creates the lab from scratch (removing leftovers first). On failure everything created is removed again.</summary>
    public static void Up(LabNames names)
    {
        Down(names);
        try
        {
            Build(names);
        }
        catch
        {
            Down(names);
            throw;
        }
    }

    private static void Build(LabNames names)
    {
        foreach (var ns in names.All)
        {
            ExternalCommand.Ip("netns", "add", ns);
            ExternalCommand.Ip("-n", ns, "link", "set", "lo", "up");
        }
        string hub = names.Hub;
        ExternalCommand.Ip("-n", hub, "link", "add", Bridge, "type", "bridge");
        ExternalCommand.Ip("-n", hub, "link", "set", Bridge, "up");
        var leaves = new[]
        {
            (Ns: names.Server, Role: "srv", Device: LeafDevice, V4: LabNames.ServerAddress, V6: LabNames.ServerAddress6),
            (Ns: names.Attacker, Role: "atk", Device: LeafDevice, V4: LabNames.AttackerAddress, V6: LabNames.AttackerAddress6),
            (Ns: names.Router, Role: "rtr", Device: RouterLanDevice, V4: LabNames.GatewayAddress, V6: LabNames.GatewayAddress6),
        };
        foreach (var (ns, role, device, v4, v6) in leaves)
        {
            string hubEnd = "v-" + role;
            // Created in the hub; the peer end is created directly in the leaf namespace.
            ExternalCommand.Ip("-n", hub, "link", "add", hubEnd, "type", "veth", "peer", "name", device, "netns", ns);
            ExternalCommand.Ip("-n", hub, "link", "set", hubEnd, "master", Bridge, "up");
            ExternalCommand.Ip("-n", ns, "addr", "add", $"{v4}/{LabNames.PrefixLength4}", "dev", device);
            ExternalCommand.Ip("-n", ns, "addr", "add", $"{v6}/{LabNames.PrefixLength6}", "dev", device, "nodad");
            ExternalCommand.Ip("-n", ns, "link", "set", device, "up");
        }
        // The upstream link: router to client, a veth pair made in the router with its far end straight in the client.
        ExternalCommand.Ip("-n", names.Router, "link", "add", RouterUpstreamDevice, "type", "veth", "peer", "name", LeafDevice, "netns", names.Client);
        ExternalCommand.Ip("-n", names.Router, "addr", "add", $"{LabNames.UpstreamGatewayAddress}/{LabNames.PrefixLength4}", "dev", RouterUpstreamDevice);
        ExternalCommand.Ip("-n", names.Router, "addr", "add", $"{LabNames.UpstreamGatewayAddress6}/{LabNames.PrefixLength6}", "dev", RouterUpstreamDevice, "nodad");
        ExternalCommand.Ip("-n", names.Router, "link", "set", RouterUpstreamDevice, "up");
        ExternalCommand.Ip("-n", names.Client, "addr", "add", $"{LabNames.ClientAddress}/{LabNames.PrefixLength4}", "dev", LeafDevice);
        ExternalCommand.Ip("-n", names.Client, "addr", "add", $"{LabNames.ClientAddress6}/{LabNames.PrefixLength6}", "dev", LeafDevice, "nodad");
        ExternalCommand.Ip("-n", names.Client, "link", "set", LeafDevice, "up");
        ExternalCommand.Sysctl(names.Router, "net.ipv4.ip_forward", "1");
        ExternalCommand.Sysctl(names.Router, "net.ipv6.conf.all.forwarding", "1");
        ServerRoutes(names);
        ClientRoutes(names);
        // A new namespace's rp_filter comes from the kernel's defaults; spoofed sources must reach the listener.
        foreach (var key in new[] { "all", "default", LeafDevice })
        {
            ExternalCommand.Sysctl(names.Server, $"net.ipv4.conf.{key}.rp_filter", "0");
        }
        // The attacker's raw sockets drive connections its kernel knows nothing about: its RSTs would tear them down.
        // Packets the lab's raw sockets send carry a mark and pass (their own RSTs release the victim when an attack stops).
        ExternalCommand.Nft(names.Attacker,
            $$"""
            table inet uncloak_lab {
              chain out {
                type filter hook output priority 0; policy accept;
                meta mark {{Attacks.RawTcpSocket.AttackerMark}} accept
                tcp flags rst drop
              }
            }

            """);
    }

    /// <summary>
    /// The server's routes beyond its own link, set (or put back after a link-down removed them): the default route via the
    /// router, the lab's LAN gateway (the attacker stays on the LAN), and the spoofed range via the attacker, whose kernel
    /// does not forward, so SYN-ACKs to spoofed sources die inside the lab.
    /// </summary>
    public static void ServerRoutes(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ExternalCommand.Ip("-n", names.Server, "route", "replace", "default", "via", LabNames.GatewayAddress.ToString());
        ExternalCommand.Ip("-n", names.Server, "-6", "route", "replace", "default", "via", LabNames.GatewayAddress6.ToString());
        ExternalCommand.Ip("-n", names.Server, "route", "replace", LabNames.SpoofedNetwork, "via", LabNames.AttackerAddress.ToString());
    }

    /// <summary>The client's default routes via the router's upstream leg, set or put back.</summary>
    public static void ClientRoutes(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ExternalCommand.Ip("-n", names.Client, "route", "replace", "default", "via", LabNames.UpstreamGatewayAddress.ToString());
        ExternalCommand.Ip("-n", names.Client, "-6", "route", "replace", "default", "via", LabNames.UpstreamGatewayAddress6.ToString());
    }

    /// <summary>
    /// Removes every namespace of the lab that exists (processes still inside are killed first, by pid). Idempotent; returns
    /// the namespaces it removed.
    /// </summary>
    public static IReadOnlyList<string> Down(LabNames names)
    {
        var present = Existing(names);
        var removed = new List<string>();
        foreach (var ns in names.All.Where(present.Contains))
        {
            foreach (int pid in PidsIn(ns))
            {
                try
                {
                    using var p = System.Diagnostics.Process.GetProcessById(pid);
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(5_000);
                }
                catch (ArgumentException)
                {
                    // Exited between the listing and the kill: nothing left to stop.
                }
            }
            ExternalCommand.Run("ip", ["netns", "del", ns]);
            removed.Add(ns);
        }
        return removed;
    }

    /// <summary>The lab's namespaces present now, with their addresses and processes.</summary>
    public static LabStatus Status(LabNames names)
    {
        var present = Existing(names);
        var spaces = new List<LabNamespaceStatus>();
        foreach (var ns in names.All)
        {
            if (!present.Contains(ns))
            {
                spaces.Add(new LabNamespaceStatus(ns, false, [], []));
                continue;
            }
            spaces.Add(new LabNamespaceStatus(ns, true, Addresses(ns), PidsIn(ns)));
        }
        return new LabStatus(names.Prefix, spaces);
    }

    public static HashSet<string> Existing(LabNames names)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        string json = ExternalCommand.Run("ip", ["-j", "netns", "list"]);
        if (string.IsNullOrWhiteSpace(json))
        {
            return set; // iproute2 prints nothing at all when there are no namespaces
        }
        foreach (var ns in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            if (ns.TryGetProperty("name", out var name) && name.GetString() is { } n && names.All.Contains(n))
            {
                set.Add(n);
            }
        }
        return set;
    }

    private static List<string> Addresses(string ns)
    {
        var list = new List<string>();
        string json = ExternalCommand.Run("ip", ["-j", "-n", ns, "addr", "show"]);
        foreach (var link in JsonDocument.Parse(json).RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("addr_info", out var infos))
            {
                continue;
            }
            foreach (var a in infos.EnumerateArray())
            {
                if (a.GetProperty("scope").GetString() == "global")
                {
                    list.Add($"{a.GetProperty("local").GetString()}/{a.GetProperty("prefixlen").GetInt32()}");
                }
            }
        }
        return list;
    }

    private static List<int> PidsIn(string ns)
    {
        int self = Environment.ProcessId;
        return [.. ExternalCommand.Run("ip", ["netns", "pids", ns], check: false)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse)
            .Where(p => p != self)];
    }
}
