using Xunit;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>Issue 7: `uncloak lab up|status|down` builds the namespaces, never touches the host, and always cleans up.</summary>
public sealed class LabTopologyTests
{
    private static string HostLinks() => Command.Run("ip", "-o", "link", "show");

    private static string HostRoutes() => Command.Run("ip", "route", "show") + Command.Run("ip", "-6", "route", "show");

    [RootFact]
    public void Up_builds_five_namespaces_with_lab_addresses_and_leaves_the_host_alone_and_down_removes_them()
    {
        var names = LabPrefix.ForThisRun();
        string prefix = names.Prefix;
        string links = HostLinks(), routes = HostRoutes();
        try
        {
            var up = CliRun.Run("lab", "up", "--prefix", prefix, "--json");
            Assert.True(up.ExitCode == 0, up.Error);
            Assert.Equal("up", up.Json.GetProperty("state").GetString());
            var addresses = up.Json.GetProperty("namespaces").EnumerateArray()
                .SelectMany(n => n.GetProperty("addresses").EnumerateArray().Select(a => a.GetString()!)).ToList();
            Assert.Equal(["198.18.0.1/24", "2001:2::1/64", "198.18.0.2/24", "2001:2::2/64", "198.18.1.3/24", "2001:2:0:1::3/64",
                "198.18.0.254/24", "2001:2::fe/64", "198.18.1.254/24", "2001:2:0:1::fe/64"], addresses);
            Assert.Equal(5, LabPrefix.Existing(names).Count);

            // The bridge and every veth live inside lab namespaces: the host's links and routes are exactly as before.
            Assert.Equal(links, HostLinks());
            Assert.Equal(routes, HostRoutes());
            Assert.Contains("br0", Command.Run("ip", "-n", names.Hub, "-o", "link", "show"));
            // The client reaches the server through the router; the router is the server's default gateway.
            Assert.Contains("via 198.18.1.254", Command.Run("ip", "netns", "exec", names.Client, "ip", "route", "get", "198.18.0.1"));
            Assert.Contains("default via 198.18.0.254", Command.Run("ip", "-n", names.Server, "route", "show"));
            Assert.Contains("default via 2001:2::fe", Command.Run("ip", "-n", names.Server, "-6", "route", "show"));
            // The attacker's own kernel RSTs are dropped inside the attacker namespace.
            Assert.Contains("tcp flags rst drop", Command.Run("ip", "netns", "exec", names.Attacker, "nft", "list", "ruleset"));

            // A crashed run leaves the lab up: `up` again starts from scratch instead of failing.
            var again = CliRun.Run("lab", "up", "--prefix", prefix, "--json");
            Assert.True(again.ExitCode == 0, again.Error);

            var down = CliRun.Run("lab", "down", "--prefix", prefix, "--json");
            Assert.True(down.ExitCode == 0, down.Error);
            Assert.Equal(5, down.Json.GetProperty("removed").GetArrayLength());
            Assert.Empty(LabPrefix.Existing(names));
            var status = CliRun.Run("lab", "status", "--prefix", prefix, "--json");
            Assert.Equal("down", status.Json.GetProperty("state").GetString());
            Assert.Equal(links, HostLinks());
        }
        finally
        {
            Uncloak.Lab.Topology.LabTopology.Down(names);
        }
    }

    [RootFact]
    public void Down_removes_a_partial_lab_left_by_a_crash()
    {
        var names = LabPrefix.ForThisRun();
        try
        {
            Command.Run("ip", "netns", "add", names.Server);
            Command.Run("ip", "netns", "add", names.Hub);
            var status = CliRun.Run("lab", "status", "--prefix", names.Prefix, "--json");
            Assert.Equal(1, status.ExitCode);
            Assert.Equal("partial", status.Json.GetProperty("state").GetString());
            var down = CliRun.Run("lab", "down", "--prefix", names.Prefix, "--json");
            Assert.Equal(0, down.ExitCode);
            Assert.Equal(new[] { names.Server, names.Hub }, down.Json.GetProperty("removed").EnumerateArray().Select(e => e.GetString()!).ToArray());
            Assert.Empty(LabPrefix.Existing(names));
        }
        finally
        {
            Uncloak.Lab.Topology.LabTopology.Down(names);
        }
    }
}
