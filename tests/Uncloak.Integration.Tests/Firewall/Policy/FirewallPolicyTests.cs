using System.Diagnostics;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Firewall.Policy;

/// <summary>The hardening policy against the real kernel, in the lab's server namespace; each test has its own state dir and kills any timer it leaves.</summary>
public sealed class FirewallPolicyTests
{
    private static void Ok(Shell.Result r) => Assert.True(r.ExitCode == 0, r.ToString());

    private static string[] Args(DefendLab lab, params string[] args) => [.. args, "--state-dir", Path.Combine(lab.Dir, "fw")];

    private static bool PolicyLoaded(DefendLab lab)
        => Shell.Run(["ip", "netns", "exec", lab.Server, "nft", "list", "chain", "inet", "uncloak", "guard"]).ExitCode == 0;

    private static Dictionary<string, long> Counters(DefendLab lab)
    {
        using var doc = JsonDocument.Parse(lab.Uncloak(lab.Server, Args(lab, "firewall", "status", "--json")).Output);
        return doc.RootElement.GetProperty("rules").EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("packets").GetInt64());
    }

    /// <summary>Kills the rollback timer of a pending apply, if the test left one (it would outlive the namespace otherwise).</summary>
    private static void KillTimer(DefendLab lab)
    {
        var pending = Path.Combine(lab.Dir, "fw", "pending.json");
        if (!File.Exists(pending))
        {
            return;
        }
        using var doc = JsonDocument.Parse(File.ReadAllText(pending));
        int pid = doc.RootElement.GetProperty("timer_pid").GetInt32();
        try
        {
            using var p = Process.GetProcessById(pid);
            if (File.ReadAllText($"/proc/{pid}/cmdline").Contains("--if-unconfirmed", StringComparison.Ordinal))
            {
                p.Kill();
            }
        }
        catch (Exception e) when (e is ArgumentException or IOException or InvalidOperationException)
        {
            // already gone
        }
    }

    [RootFact]
    public void Apply_without_confirm_rolls_back_by_itself_when_the_time_runs_out()
    {
        using var lab = new DefendLab();
        try
        {
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "2s")));
            Assert.True(PolicyLoaded(lab), "the policy should be loaded right after apply");

            var clock = Stopwatch.StartNew();
            while (PolicyLoaded(lab) && clock.Elapsed < TimeSpan.FromSeconds(20))
            {
                Thread.Sleep(200); // the detached timer runs on wall time; bounded wait
            }
            Assert.False(PolicyLoaded(lab), "the unconfirmed policy should have been rolled back");
            Assert.True(clock.Elapsed > TimeSpan.FromSeconds(0.5), "rolled back before its deadline");
            Assert.Contains("RolledBack", File.ReadAllText(Path.Combine(lab.Dir, "fw", "rollback.log")));
            Assert.False(File.Exists(Path.Combine(lab.Dir, "fw", "pending.json")));
            Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA));
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Apply_with_confirm_stays_after_the_deadline_and_its_timer_is_gone()
    {
        using var lab = new DefendLab();
        try
        {
            var apply = lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "3s", "--json"));
            Ok(apply);
            int pid;
            using (var doc = JsonDocument.Parse(apply.Output))
            {
                pid = doc.RootElement.GetProperty("timer_pid").GetInt32();
            }
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "confirm")));
            Thread.Sleep(4500); // past the deadline: a surviving timer would have rolled back by now
            Assert.True(PolicyLoaded(lab), "a confirmed policy must stay");
            Assert.False(File.Exists($"/proc/{pid}/cmdline") && File.ReadAllText($"/proc/{pid}/cmdline").Contains("--if-unconfirmed", StringComparison.Ordinal), "the rollback timer should have been stopped");
            Assert.Equal(1, lab.Uncloak(lab.Server, Args(lab, "firewall", "confirm")).ExitCode);
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Crafted_SYN_FIN_segments_are_dropped_by_their_rule_while_normal_connections_pass()
    {
        using var lab = new DefendLab();
        try
        {
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m")));
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "confirm")));
            var before = Counters(lab);

            DefendLab.InNamespace(lab.A, () =>
            {
                CraftedTcp.Send(DefendLab.PeerA, DefendLab.ServerA, DefendLab.Port, CraftedTcp.Syn | CraftedTcp.Fin, 25);
                CraftedTcp.Send(DefendLab.PeerA, DefendLab.ServerA, DefendLab.Port, CraftedTcp.Fin | CraftedTcp.Psh | CraftedTcp.Urg, 7);
                CraftedTcp.Send(DefendLab.PeerA, DefendLab.ServerA, DefendLab.Port, 0, 5);
                CraftedTcp.Send(DefendLab.PeerA, DefendLab.ServerA, DefendLab.Port, CraftedTcp.Syn | CraftedTcp.Rst, 3);
                CraftedTcp.Send(DefendLab.PeerA, DefendLab.ServerA, DefendLab.Port, CraftedTcp.Fin, 4);
                return 0;
            });
            Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "a normal connection from the same peer must pass");
            Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB));
            Assert.True(lab.CanPing(lab.A, DefendLab.ServerA));

            var after = Counters(lab);
            Assert.Equal(25, after["syn-fin"] - before["syn-fin"]);
            Assert.Equal(7, after["xmas-scan"] - before["xmas-scan"]);
            Assert.Equal(5, after["null-scan"] - before["null-scan"]);
            Assert.Equal(3, after["syn-rst"] - before["syn-rst"]);
            Assert.Equal(4, after["fin-no-ack"] - before["fin-no-ack"]);
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void A_source_beyond_its_connection_limit_is_dropped_while_others_still_connect()
    {
        using var lab = new DefendLab();
        var held = new List<System.Net.Sockets.Socket>();
        try
        {
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m", "--conn-limit", $"{DefendLab.HoldPort}:2")));
            held.Add(DefendLab.Hold(lab.A, DefendLab.ServerA));
            held.Add(DefendLab.Hold(lab.A, DefendLab.ServerA));
            Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700, DefendLab.HoldPort), "a third concurrent connection from A should be dropped");
            Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB, port: DefendLab.HoldPort), "B has its own count");
            Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "other ports are not limited");
            Assert.True(Counters(lab)["conn-limit4-0"] >= 1);
        }
        finally
        {
            held.ForEach(h => h.Dispose());
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Plan_warns_and_exits_1_when_syn_cookies_are_off_in_this_namespace()
    {
        using var lab = new DefendLab();
        Shell.Check("ip", "netns", "exec", lab.Server, "sysctl", "-qw", "net.ipv4.tcp_syncookies=0");
        var plan = lab.Uncloak(lab.Server, ["firewall", "plan"]);
        Assert.Equal(1, plan.ExitCode);
        Assert.Contains("WARNING: net.ipv4.tcp_syncookies = 0", plan.Output);
        Assert.Contains("No SYN rate limit, on purpose", plan.Output);
        Assert.DoesNotContain("syn limit", plan.Output, StringComparison.OrdinalIgnoreCase);
        Shell.Check("ip", "netns", "exec", lab.Server, "sysctl", "-qw", "net.ipv4.tcp_syncookies=1");
        Assert.Equal(0, lab.Uncloak(lab.Server, ["firewall", "plan"]).ExitCode);
    }

    [RootFact]
    public void Large_pings_are_dropped_and_ordinary_pings_answered()
    {
        using var lab = new DefendLab();
        try
        {
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m", "--echo-max-bytes", "600")));
            Assert.True(lab.CanPing(lab.A, DefendLab.ServerA, size: 56));
            Assert.False(lab.CanPing(lab.A, DefendLab.ServerA, timeoutMs: 700, size: 1200), "a 1200-byte ping should be dropped");
            Assert.True(Counters(lab)["echo-size4"] >= 1);
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Bogon_sources_on_the_public_interface_are_dropped_unless_they_are_management()
    {
        using var lab = new DefendLab();
        try
        {
            // The lab's addresses are benchmarking space (198.18.0.0/15), a bogon: on the "public" link sa they must be dropped...
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m", "--public-iface", "sa")));
            Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700), "a bogon source on the public interface should be dropped");
            Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB), "the other link is not the public interface");
            Assert.True(Counters(lab)["bogon4"] >= 1);
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "rollback")));

            // ...unless management: accepted before any drop rule (this time from a config file).
            var config = Path.Combine(lab.Dir, "firewall.yaml");
            File.WriteAllText(config, "public_interface: sa\nmanagement: [198.18.1.2]\nconfirm_within: 10m\n");
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--config", config)));
            Assert.True(lab.CanConnect(lab.A, DefendLab.ServerA), "a management source must be accepted first");
            Assert.True(Counters(lab)["management4"] >= 1);
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Rollback_restores_the_previous_policy_exactly_and_plan_then_shows_no_change()
    {
        using var lab = new DefendLab();
        try
        {
            string[] first = ["--mgmt", "198.19.250.0/24", "--conn-limit", "8080:50"];
            Ok(lab.Uncloak(lab.Server, Args(lab, ["firewall", "apply", "--confirm-within", "10m", .. first])));
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "confirm")));
            var plan = lab.Uncloak(lab.Server, ["firewall", "plan", "--json", .. first]);
            Ok(plan);
            using (var doc = JsonDocument.Parse(plan.Output))
            {
                Assert.False(doc.RootElement.GetProperty("changes").GetBoolean(), "the plan of the loaded policy should show no change:\n" + plan.Output);
            }

            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m", "--echo-rate", "2")));
            using (var doc = JsonDocument.Parse(lab.Uncloak(lab.Server, ["firewall", "plan", "--json", .. first]).Output))
            {
                Assert.True(doc.RootElement.GetProperty("changes").GetBoolean());
            }

            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "rollback")));
            using (var doc = JsonDocument.Parse(lab.Uncloak(lab.Server, ["firewall", "plan", "--json", .. first]).Output))
            {
                Assert.False(doc.RootElement.GetProperty("changes").GetBoolean(), "after rollback the first policy should be back");
            }
        }
        finally
        {
            KillTimer(lab);
        }
    }

    [RootFact]
    public void Applying_and_rolling_back_the_policy_leaves_the_bans_alone()
    {
        using var lab = new DefendLab();
        try
        {
            Ok(lab.Uncloak(lab.Server, ["bans", "add", "198.18.1.2", "--for", "1h", "--db", lab.Db]));
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "apply", "--confirm-within", "10m")));
            Ok(lab.Uncloak(lab.Server, Args(lab, "firewall", "rollback")));
            Assert.False(lab.CanConnect(lab.A, DefendLab.ServerA, 700), "the ban must survive policy apply and rollback");
            Assert.True(lab.CanConnect(lab.B, DefendLab.ServerB));
        }
        finally
        {
            KillTimer(lab);
        }
    }
}
