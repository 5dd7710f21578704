using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Audit;

/// <summary>
/// `uncloak audit` reading a live system (root "/") inside a throw-away namespace: `ip netns exec` gives the child its
/// own /proc/sys/net and a /sys showing the namespace's interfaces, so sysfs, SIOCETHTOOL and sock_diag are all read
/// for real without looking at (or touching) the host's.
/// </summary>
public sealed class AuditLiveReadTests
{

    [RootFact]
    public void Live_audit_sees_the_namespace_s_veth_pair_and_a_tiny_web_listener()
    {
        using var ns = NetworkNamespace.Create();
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "add", "uc-veth0", "type", "veth", "peer", "name", "uc-veth1");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-veth0", "up");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "uc-veth1", "up");
        ns.Exec("sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0", "net.ipv4.conf.uc-veth0.rp_filter=2", "net.ipv4.conf.uc-veth1.rp_filter=0");
        // A socket belongs to the namespace it was created in, whatever thread uses it later.
        using var listener = ns.OnThreadInside(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 80));
            s.Listen(5);
            return s;
        });

        var (exit, output, err) = ns.Exec(UncloakProcess.Command("audit", "--json", "--only", "listener.backlog", "nic.duplex", "ipv4.rp_filter"));
        Assert.True(exit == 1, $"exit {exit}: {err}\n{output}");
        using var doc = JsonDocument.Parse(output);
        var results = doc.RootElement.GetProperty("results").EnumerateArray().ToList();

        var web = Assert.Single(results, r => r.GetProperty("id").GetString() == "listener.backlog");
        Assert.Equal("fail", web.GetProperty("status").GetString());
        Assert.Equal("0.0.0.0:80", web.GetProperty("subject").GetString());
        Assert.StartsWith("backlog 5,", web.GetProperty("observed").GetString());

        // veth has no device behind it: not judged as a NIC, and named with the driver the ioctl reported.
        var nic = Assert.Single(results, r => r.GetProperty("id").GetString() == "nic.duplex");
        Assert.Equal("skip", nic.GetProperty("status").GetString());
        Assert.Contains("uc-veth0 (veth)", nic.GetProperty("detail").GetString());

        // rp_filter per interface of this namespace: max(all=0, 2) passes, max(0, 0) does not.
        var rp = results.Where(r => r.GetProperty("id").GetString() == "ipv4.rp_filter")
            .ToDictionary(r => r.GetProperty("subject").GetString()!, r => r.GetProperty("status").GetString());
        Assert.Equal("pass", rp["uc-veth0"]);
        Assert.Equal("warn", rp["uc-veth1"]);
        Assert.DoesNotContain("eth0", rp.Keys); // the host's interfaces are not visible in here
    }
}
