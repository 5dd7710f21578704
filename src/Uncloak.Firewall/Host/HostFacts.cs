using System.Globalization;
using Uncloak.Core.Decisions;
using Uncloak.Core.Events;

namespace Uncloak.Firewall.Host;

/// <summary>
/// Reads what the safety rules protect from the running host: its default gateways (/proc/net/route,
/// /proc/net/ipv6_route) and the SSH client of the admin running the command; its own addresses come from the
/// caller (Uncloak.Linux's HostAddresses, shared with the socket-kill guard). A file that cannot be read
/// contributes nothing; the rules still hold for what was found.
/// </summary>
public static class HostFacts
{
    public static SafetyContext Read(IReadOnlyList<NetAddress> ownAddresses, IReadOnlyList<BanTarget> allowlist, string procRoot = "/proc")
        => new()
        {
            OwnAddresses = ownAddresses,
            Gateways = [.. Gateways4(Path.Combine(procRoot, "net", "route")), .. Gateways6(Path.Combine(procRoot, "net", "ipv6_route"))],
            SshClients = SafetyContext.SshClientsFrom(Environment.GetEnvironmentVariable("SSH_CONNECTION"), Environment.GetEnvironmentVariable("SSH_CLIENT")),
            Allowlist = allowlist,
        };

    /// <summary>Gateways of IPv4 default routes: destination 00000000, gateway as little-endian hex.</summary>
    public static List<NetAddress> Gateways4(string routeFile)
    {
        var list = new List<NetAddress>();
        foreach (var line in ReadLines(routeFile).Skip(1))
        {
            var f = line.Split('\t', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (f.Length > 2 && f[1] == "00000000" && uint.TryParse(f[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out uint le) && le != 0)
            {
                uint hostOrder = System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(le);
                list.Add(NetAddress.FromV4(hostOrder));
            }
        }
        return list;
    }

    /// <summary>Next hops of IPv6 default routes: destination ::/0 with a non-zero next hop (fields 0, 1 and 4).</summary>
    public static List<NetAddress> Gateways6(string routeFile)
    {
        var list = new List<NetAddress>();
        foreach (var line in ReadLines(routeFile))
        {
            var f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (f.Length > 4 && f[0] == new string('0', 32) && f[1] == "00" && f[4] != new string('0', 32) && f[4].Length == 32)
            {
                var bytes = Convert.FromHexString(f[4]);
                var a = NetAddress.FromBytes(bytes);
                if (!list.Contains(a))
                {
                    list.Add(a);
                }
            }
        }
        return list;
    }

    private static string[] ReadLines(string path)
    {
        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // no such table (IPv6 disabled) or not readable: no gateway known from it
        }
    }
}
