using System.Diagnostics;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>
/// Issue 7: the CI run of `uncloak lab matrix --short`. Real attacks on a real 16-worker server (Apache prefork when
/// apache2 is installed, Kestrel otherwise); the verdicts are the steady-state availability of a legitimate client.
/// Issue 11: the "uncloak" defence is the shipped daemon itself (<c>uncloak watch</c> with its default configuration).
/// </summary>
public sealed class LabMatrixTests(ITestOutputHelper output)
{
    private static double Steady(JsonElement cell) => cell.GetProperty("steady").GetProperty("availability").GetDouble();

    /// <summary>The default victim: Apache prefork when apache2 is installed (as on the CI image), Kestrel otherwise.</summary>
    [RootFact]
    public void The_short_matrix_shows_each_attack_hurting_and_the_right_defence_restoring_the_service()
    {
        var cells = RunShortMatrix();
        string expected = Uncloak.Lab.Victim.ApacheVictim.IsInstalled ? "apache2 prefork" : "kestrel";
        Assert.All(cells.Values, c => Assert.StartsWith(expected, c.GetProperty("victim").GetString(), StringComparison.Ordinal));
        AssertVerdicts(cells);
    }

    /// <summary>The built-in victim, so a machine with apache2 also proves the lab without it.</summary>
    [RootFact]
    public void The_short_matrix_gives_the_same_verdicts_with_the_built_in_kestrel_victim()
    {
        var cells = RunShortMatrix("--kestrel");
        Assert.All(cells.Values, c => Assert.StartsWith("kestrel", c.GetProperty("victim").GetString(), StringComparison.Ordinal));
        AssertVerdicts(cells);
    }

    private Dictionary<(string Attack, string Defence), JsonElement> RunShortMatrix(params string[] extra)
    {
        var names = LabPrefix.ForThisRun();
        // The cells switch SYN cookies and rp_filter inside the server namespace; the host's own values must not move.
        string[] hostSysctls = ["/proc/sys/net/ipv4/tcp_syncookies", "/proc/sys/net/ipv4/conf/all/rp_filter", "/proc/sys/net/ipv4/conf/default/rp_filter"];
        var hostBefore = hostSysctls.Select(File.ReadAllText).ToArray();
        var clock = Stopwatch.StartNew();
        CliRun.Result run;
        try
        {
            run = CliRun.Run(["lab", "matrix", "--short", "--json", "--prefix", names.Prefix, .. extra]);
        }
        finally
        {
            Uncloak.Lab.Topology.LabTopology.Down(names);
        }
        clock.Stop();
        output.WriteLine(run.Error);
        output.WriteLine(run.Output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Empty(LabPrefix.Existing(names)); // every cell removed its lab
        Assert.Equal(hostBefore, hostSysctls.Select(File.ReadAllText).ToArray());
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(5), $"the short matrix took {clock.Elapsed}");

        var cells = run.Json.GetProperty("cells").EnumerateArray()
            .ToDictionary(c => (c.GetProperty("attack").GetString()!, c.GetProperty("defence").GetString()!));
        foreach (var (key, cell) in cells)
        {
            // Each cell fits the CI budget, and the server answered before the attack: a failing probe would fake every verdict.
            Assert.True(cell.GetProperty("warmup_seconds").GetDouble() + cell.GetProperty("attack_seconds").GetDouble() <= 20, $"{key} lasts too long");
            Assert.True(cell.GetProperty("baseline").GetProperty("availability").GetDouble() >= 0.9, $"{key}: the victim was not up before the attack");
            Assert.True(cell.GetProperty("steady").GetProperty("requests").GetInt32() >= 30, $"{key}: too few probe requests to judge");
        }
        return cells;
    }

    private static void AssertVerdicts(Dictionary<(string Attack, string Defence), JsonElement> cells)
    {

        // Connection holders take every worker; the shipped daemon (uncloak watch, default configuration) kills and bans
        // them and the service comes back: detected, banned in the kernel's set, and steady again within the settle time.
        foreach (var attack in new[] { "zero-window", "window-shrink", "slow-read" })
        {
            Assert.True(Steady(cells[(attack, "none")]) < 0.5, $"{attack} without defence left {Steady(cells[(attack, "none")]):P1}");
            Assert.Equal(JsonValueKind.Null, cells[(attack, "none")].GetProperty("recovered_after_seconds").ValueKind);
            var defended = cells[(attack, "uncloak")];
            Assert.True(Steady(defended) >= 0.95, $"{attack} with Uncloak: {Steady(defended):P1}");
            var uncloak = defended.GetProperty("uncloak");
            Assert.True(uncloak.GetProperty("sockets_killed").GetInt32() > 0, $"{attack}: Uncloak killed nothing");
            Assert.Equal(new[] { "198.18.0.2" }, uncloak.GetProperty("banned").EnumerateArray().Select(b => b.GetString()!).ToArray());
            Assert.True(uncloak.GetProperty("ban_drops").GetInt64() > 0, $"{attack}: the ban dropped nothing");
            var decisions = uncloak.GetProperty("decisions").EnumerateArray().ToList();
            Assert.Contains(decisions, d => d.GetProperty("action").GetString() == "ban" && d.GetProperty("target").GetString() == "198.18.0.2");
            double detected = uncloak.GetProperty("detected_after_seconds").GetDouble();
            double banned = uncloak.GetProperty("banned_after_seconds").GetDouble();
            double recovered = defended.GetProperty("recovered_after_seconds").GetDouble();
            Assert.Equal(recovered, uncloak.GetProperty("recovered_after_seconds").GetDouble());
            // A decision comes from a hold seen twice, at least a second after the attack began; the kernel holds the ban
            // after the decision; the service is steady again within the settle time the verdict allows (4 s).
            Assert.InRange(detected, 1, 4);
            Assert.InRange(banned, detected - 0.1, 4);
            Assert.InRange(recovered, 0, 4);
        }

        // SYN flood: without cookies the queue fills and clients cannot connect; with cookies they can.
        Assert.True(Steady(cells[("syn-flood", "none")]) < 0.5, $"SYN flood without cookies: {Steady(cells[("syn-flood", "none")]):P1}");
        Assert.True(cells[("syn-flood", "none")].GetProperty("counters").GetProperty("TcpExt.TCPReqQFullDrop").GetInt64() > 0);
        Assert.True(Steady(cells[("syn-flood", "syncookies")]) > 0.95, $"SYN flood with cookies: {Steady(cells[("syn-flood", "syncookies")]):P1}");
        Assert.True(cells[("syn-flood", "syncookies")].GetProperty("counters").GetProperty("TcpExt.SyncookiesSent").GetInt64() > 0);
        // The SYN rate limit drops the clients' SYNs along with the flood's: it harms them even with cookies on.
        Assert.True(Steady(cells[("syn-flood", "synlimit")]) < 0.8, $"SYN flood with a SYN rate limit: {Steady(cells[("syn-flood", "synlimit")]):P1}");
        // Uncloak answers a spoofed flood with cookies, never with bans of addresses that are not the attacker's.
        var synUncloak = cells[("syn-flood", "uncloak")];
        Assert.True(Steady(synUncloak) > 0.95, $"SYN flood with Uncloak: {Steady(synUncloak):P1}");
        Assert.Equal(0, synUncloak.GetProperty("uncloak").GetProperty("banned").GetArrayLength());
        Assert.DoesNotContain(synUncloak.GetProperty("uncloak").GetProperty("decisions").EnumerateArray(), d => d.GetProperty("action").GetString() == "ban");

        // An ICMP echo flood at 1000/s reaches the server and does not take a web server down.
        var icmp = cells[("icmp-flood", "none")];
        Assert.True(icmp.GetProperty("counters").GetProperty("Icmp.InEchos").GetInt64() > 1000);
        Assert.True(Steady(icmp) > 0.9, $"ICMP flood: {Steady(icmp):P1}");
    }
}
