using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 13: bans shared over a real 3-node JetStream cluster between three real agents, each in its own namespace with
/// its own nftables (<see cref="FleetLab"/>).
/// </summary>
public sealed class FleetDecisionSyncTests(ITestOutputHelper output)
{
    private const string Peer = "198.18.1.2";

    private static void Ok(Support.Shell.Result r) => Assert.True(r.ExitCode == 0, r.ToString());

    private static void Until(Func<bool> condition, TimeSpan timeout, FleetLab lab, string what)
        => WatchDeadline.Until(condition, timeout, () => $"{what}\nagent a: {lab.Agent("a").Log}\nagent b: {lab.Agent("b").Log}\nagent c: {lab.Agent("c").Log}\nnats: {lab.NatsLogs()}");

    private static int Published(string log) => log.Split('\n').Count(l => l.Contains("fleet bans published", StringComparison.Ordinal));

    [RootFact]
    public void A_ban_on_one_host_reaches_the_others_kernels_a_protected_address_is_refused_there_and_revocation_lifts_it()
    {
        using var lab = new FleetLab();
        foreach (var h in FleetLab.Hosts)
        {
            lab.StartAgent(h);
        }

        // Per-key TTL only where the server has it: each agent reads the real nodes' version and, on Debian's 2.9 (what
        // test.sh installs), makes plain puts; the bans below still travel and expire by each host's nftables timeout.
        var installed = Support.Shell.Run(["nats-server", "--version"]).Output.Trim().Split(' ')[^1].TrimStart('v');
        var keyTtl = Uncloak.Fleet.Decisions.KeyTtl.ServerSupports(installed) ? "on" : "off";
        foreach (var h in FleetLab.Hosts)
        {
            Assert.Contains($"nats={installed} key_ttl={keyTtl}", lab.Agent(h).Log, StringComparison.Ordinal);
        }

        Ok(lab.Uncloak("a", "bans", "add", Peer, "--for", "1h", "--reason", "held 16 windows shut"));
        var clock = Stopwatch.StartNew();
        Until(() => lab.KernelSet("b").Contains(Peer) && lab.KernelSet("c").Contains(Peer), TimeSpan.FromSeconds(20), lab, "the ban in b's and c's kernel sets");
        output.WriteLine($"ban on a → in b's and c's kernel sets after {clock.ElapsedMilliseconds} ms (CLI exit to nft list; load {File.ReadAllText("/proc/loadavg").Trim()})");
        // Issue 13: within 1 s (the agent reads its store every 200 ms; measured 123 ms here under a load of 16).
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"propagation took {clock.ElapsedMilliseconds} ms");
        Assert.Contains(Peer, lab.KernelSet("a"));

        // b stores it as the fleet's, with the deciding host.
        using (var doc = JsonDocument.Parse(lab.Uncloak("b", "bans", "list", "--json").Output))
        {
            var d = doc.RootElement.GetProperty("decisions").EnumerateArray().Single(x => x.GetProperty("target").GetString() == Peer);
            Assert.Equal("fleet:a", d.GetProperty("origin").GetString());
        }

        // b's own address, banned on a: a and c apply it, b refuses it by its own safety rules and records the refusal.
        var bAddress = FleetLab.AddressOf("b");
        Ok(lab.Uncloak("a", "bans", "add", bAddress, "--for", "1h"));
        Until(() => lab.KernelSet("c").Contains(bAddress), TimeSpan.FromSeconds(20), lab, "b's address in c's kernel set");
        Until(() => lab.Uncloak("b", "bans", "list", "--all", "--json").Output.Contains("\"refused\"", StringComparison.Ordinal), TimeSpan.FromSeconds(20), lab, "b to record the refusal");
        Assert.DoesNotContain(bAddress, lab.KernelSet("b"));
        using (var doc = JsonDocument.Parse(lab.Uncloak("b", "bans", "list", "--all", "--json").Output))
        {
            var refused = doc.RootElement.GetProperty("decisions").EnumerateArray().Single(x => x.GetProperty("target").GetString() == bAddress);
            Assert.Equal("refused", refused.GetProperty("status").GetString());
            Assert.Equal("fleet:a", refused.GetProperty("origin").GetString());
        }

        // Revocation on a removes the element on b and c.
        Ok(lab.Uncloak("a", "bans", "del", Peer));
        Until(() => !lab.KernelSet("b").Contains(Peer) && !lab.KernelSet("c").Contains(Peer), TimeSpan.FromSeconds(20), lab, "the revocation to lift the ban on b and c");
        Assert.Contains(bAddress, lab.KernelSet("c"));

        // No host applied its own decision twice, and nothing was forged or malformed.
        Assert.DoesNotContain("fleet:a", lab.Uncloak("a", "bans", "list", "--all", "--json").Output, StringComparison.Ordinal);

        // fleet status, read from the cluster with c's credentials, shows the three hosts, what c holds from a and what b refused.
        Until(() =>
        {
            var r = lab.Cli("c", "fleet", "status", "--json", "--config", lab.ConfigOf("c"));
            if (r.ExitCode != 0)
            {
                return false;
            }
            using var doc = JsonDocument.Parse(r.Output);
            var hosts = doc.RootElement.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("host").GetString()!, h => h.Clone());
            return hosts.Count == 3 && hosts["c"].GetProperty("bans_by_origin").TryGetProperty("fleet:a", out _) && hosts["b"].GetProperty("refused").GetInt64() >= 1;
        }, TimeSpan.FromSeconds(40), lab, "fleet status to show a, b and c with c's fleet:a ban and b's refusal");
        var human = lab.Cli("a", "fleet", "status", "--config", lab.ConfigOf("a"));
        Ok(human);
        Assert.Contains("fleet:a 1", human.Output, StringComparison.Ordinal);

        // Wrong credentials: refused by the cluster with a clear error, and the daemon keeps running (defending alone).
        var bad = lab.StartAgent("c", password: "wrong", waitConnected: false);
        WatchDeadline.Until(() => bad.Log.Contains("fleet unavailable", StringComparison.Ordinal) || bad.HasExited, TimeSpan.FromSeconds(60), () => "the refusal: " + bad.Log);
        Assert.Contains("authorization violation", bad.Log, StringComparison.OrdinalIgnoreCase);
        Assert.False(bad.HasExited, bad.Log);
    }

    [RootFact]
    public void A_restarted_agent_converges_and_a_cluster_node_lost_during_a_storm_loses_no_ban()
    {
        using var lab = new FleetLab();
        foreach (var h in FleetLab.Hosts)
        {
            lab.StartAgent(h);
        }

        // b stopped; 1,000 bans made on a; b restarted: it converges from the bucket's snapshot.
        lab.StopAgent("b");
        Ok(lab.Uncloak("a", "bans", "import", lab.BanList("first.txt", 1000), "--for", "1h"));
        Until(() => lab.KernelSet("c").Count >= 1000, TimeSpan.FromSeconds(60), lab, "c to hold the 1,000 bans");
        var clock = Stopwatch.StartNew();
        lab.StartAgent("b");
        Until(() => lab.KernelSet("b").Count >= 1000, TimeSpan.FromSeconds(60), lab, "the restarted b to converge");
        output.WriteLine($"b restarted: 1,000 bans in its kernel set {clock.ElapsedMilliseconds} ms after the start (daemon start included)");

        // 10,000 more on a while one of the three NATS nodes is killed: R3 keeps every decision; all agents end with all.
        int published = Published(lab.Agent("a").Log);
        var import = Task.Run(() => lab.Uncloak("a", "bans", "import", lab.BanList("storm.txt", 10_000, offset: 1000), "--for", "1h"));
        Until(() => Published(lab.Agent("a").Log) > published || import.IsCompleted, TimeSpan.FromSeconds(60), lab, "a to start publishing the storm");
        lab.KillNats(1);
        Ok(import.Result);
        clock.Restart();
        foreach (var h in FleetLab.Hosts)
        {
            Until(() => lab.KernelSet(h).Count >= 11_000, TimeSpan.FromSeconds(120), lab, $"{h} to hold all 11,000 bans after the node loss");
        }
        output.WriteLine($"11,000 bans on every agent {clock.ElapsedMilliseconds} ms after the storm's import ended, one NATS node down");
        Assert.Equal(11_000, lab.KernelSet("b").Count);
    }

    [RootFact]
    public void A_burst_reaches_the_others_exactly_a_revoked_ban_of_it_is_lifted_and_a_late_agent_gets_all_but_that_one()
    {
        using var lab = new FleetLab();
        foreach (var h in FleetLab.Hosts)
        {
            lab.StartAgent(h);
        }

        // 5,000 bans in one import: a publishes them as chunks (FleetChunk), b and c apply each chunk's bans together.
        var list = lab.BanList("burst.txt", 5000);
        var burst = File.ReadAllLines(list).ToHashSet(StringComparer.Ordinal);
        Ok(lab.Uncloak("a", "bans", "import", list, "--for", "1h"));
        var clock = Stopwatch.StartNew();
        Until(() => lab.KernelSet("b").SetEquals(burst) && lab.KernelSet("c").SetEquals(burst), TimeSpan.FromSeconds(60), lab, "b's and c's kernel sets to hold exactly the 5,000");
        output.WriteLine($"5,000 bans in b's and c's kernel sets {clock.ElapsedMilliseconds} ms after the import returned (load {File.ReadAllText("/proc/loadavg").Trim()})");

        // One of them revoked on a: its own key's deletion comes after the chunk, and b and c lift it.
        var revoked = burst.First();
        Ok(lab.Uncloak("a", "bans", "del", revoked));
        Until(() => !lab.KernelSet("b").Contains(revoked) && !lab.KernelSet("c").Contains(revoked), TimeSpan.FromSeconds(20), lab, "the revocation to lift it on b and c");
        var rest = burst.Where(t => t != revoked).ToHashSet(StringComparer.Ordinal);
        Assert.True(lab.KernelSet("b").SetEquals(rest));

        // d joins late with an empty store: the chunk, then the deletion, in the bucket's order: all but the revoked one.
        clock.Restart();
        var d = lab.StartAgent(FleetLab.Late);
        Until(() => lab.KernelSet(FleetLab.Late).SetEquals(rest), TimeSpan.FromSeconds(60), lab, "the late agent d to hold all but the revoked ban: " + d.Log);
        output.WriteLine($"late agent d: 4,999 bans in its kernel set {clock.ElapsedMilliseconds} ms after its start (daemon start included)");
        // Not in force in its store either (normally never applied: dropped from the batch it waited in), and every ban
        // it holds is a's.
        using (var doc = JsonDocument.Parse(lab.Uncloak(FleetLab.Late, "bans", "list", revoked, "--json").Output))
        {
            Assert.Empty(doc.RootElement.GetProperty("decisions").EnumerateArray());
        }
        using (var doc = JsonDocument.Parse(lab.Uncloak(FleetLab.Late, "bans", "list", "--json", "--limit", "10000").Output))
        {
            var decisions = doc.RootElement.GetProperty("decisions").EnumerateArray().ToList();
            Assert.Equal(4999, decisions.Count);
            Assert.All(decisions, x => Assert.Equal("fleet:a", x.GetProperty("origin").GetString()));
        }
    }
}
