using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 13 item 6 on a real 3-node cluster (<see cref="FleetLab"/>): agents follow the bans bucket without a
/// server-side consumer each — live changes over a plain subscription to the bucket's RePublish subject, the current
/// values from a short-lived consumer on join and after a missed change.
/// </summary>
public sealed class FleetWatchTests(ITestOutputHelper output)
{
    private const string Peer = "198.18.1.2";

    private static void Ok(Shell.Result r) => Assert.True(r.ExitCode == 0, r.ToString());

    private static void Until(Func<bool> condition, TimeSpan timeout, FleetLab lab, string what)
        => WatchDeadline.Until(condition, timeout, () => $"{what}\nagent a: {lab.Agent("a").Log}\nagent b: {lab.Agent("b").Log}\nagent c: {lab.Agent("c").Log}\nnats: {lab.NatsLogs()}");

    [RootFact]
    public void Synced_agents_under_the_shipped_rights_hold_no_consumer_on_the_cluster_and_a_ban_still_reaches_the_others()
    {
        using var lab = new FleetLab(shippedRights: true);
        // The admin creates the buckets (agents may not): here a's agent started once as the admin, as docs/fleet.md's
        // step 4 does with the nats CLI, creates them with the RePublish a bucket needs.
        lab.StartAgent("a", user: "admin");
        Until(() => lab.JetStream().Republish is not null, TimeSpan.FromSeconds(30), lab, "the bans bucket with its RePublish");
        Assert.Equal("uncloak.live.uncloak-bans.>", lab.JetStream().Republish);
        lab.StopAgent("a");
        foreach (var h in FleetLab.Hosts)
        {
            lab.StartAgent(h);
        }
        foreach (var h in FleetLab.Hosts)
        {
            Until(() => lab.Agent(h).Log.Contains("fleet snapshot", StringComparison.Ordinal), TimeSpan.FromSeconds(30), lab, h + "'s first snapshot");
            Assert.Contains("live=uncloak.live.uncloak-bans.> sequenced=yes reason=start", lab.Agent(h).Log, StringComparison.Ordinal);
        }
        // Snapshots and the publishers' own-key reconcile are short-lived; once they are over nothing stays.
        Until(() => lab.JetStream().Consumers == 0, TimeSpan.FromSeconds(30), lab, "no consumer left on the cluster");

        Ok(lab.Uncloak("a", "bans", "add", Peer, "--for", "1h"));
        var clock = Stopwatch.StartNew();
        Until(() => lab.KernelSet("b").Contains(Peer) && lab.KernelSet("c").Contains(Peer), TimeSpan.FromSeconds(20), lab, "the ban in b's and c's kernel sets");
        output.WriteLine($"ban on a → b and c after {clock.ElapsedMilliseconds} ms with 0 consumers (load {File.ReadAllText("/proc/loadavg").Trim()})");
        Assert.Equal(0, lab.JetStream().Consumers);

        // Revocation travels the same way.
        Ok(lab.Uncloak("a", "bans", "del", Peer));
        Until(() => !lab.KernelSet("b").Contains(Peer) && !lab.KernelSet("c").Contains(Peer), TimeSpan.FromSeconds(20), lab, "the revocation on b and c");
        Assert.Equal(0, lab.JetStream().Consumers);
        foreach (var h in FleetLab.Hosts)
        {
            Assert.DoesNotContain("Permissions Violation", lab.Agent(h).Log, StringComparison.OrdinalIgnoreCase);
        }
    }

    [RootFact]
    public void A_ban_an_agent_missed_live_while_cut_off_is_recovered_by_a_new_snapshot()
    {
        using var lab = new FleetLab();
        foreach (var h in FleetLab.Hosts)
        {
            lab.StartAgent(h);
        }
        Until(() => lab.Agent("b").Log.Contains("fleet snapshot", StringComparison.Ordinal), TimeSpan.FromSeconds(30), lab, "b's first snapshot");

        // b is cut off; the ban and a revocation are published while nothing can reach it.
        Ok(lab.Uncloak("a", "bans", "add", "198.18.1.3", "--for", "1h"));
        Until(() => lab.KernelSet("b").Contains("198.18.1.3"), TimeSpan.FromSeconds(20), lab, "the first ban on b");
        lab.CutOff("b");
        try
        {
            Ok(lab.Uncloak("a", "bans", "add", Peer, "--for", "1h"));
            Ok(lab.Uncloak("a", "bans", "del", "198.18.1.3"));
            Until(() => lab.KernelSet("c").Contains(Peer) && !lab.KernelSet("c").Contains("198.18.1.3"), TimeSpan.FromSeconds(20), lab, "c to follow");
            Assert.DoesNotContain(Peer, lab.KernelSet("b"));
        }
        finally
        {
            lab.Reconnect("b");
        }
        var clock = Stopwatch.StartNew();
        // Only a snapshot can bring them: the live messages were sent to a connection that no longer exists.
        Until(() => lab.KernelSet("b").Contains(Peer) && !lab.KernelSet("b").Contains("198.18.1.3"), TimeSpan.FromSeconds(60), lab, "b to recover the missed ban and revocation");
        output.WriteLine($"b recovered {clock.ElapsedMilliseconds} ms after the cut was lifted");
        Assert.Contains("reason=reconnected", lab.Agent("b").Log, StringComparison.Ordinal);

        // And it follows live again afterwards.
        Ok(lab.Uncloak("a", "bans", "add", "198.18.1.4", "--for", "1h"));
        Until(() => lab.KernelSet("b").Contains("198.18.1.4"), TimeSpan.FromSeconds(20), lab, "a ban after the recovery on b");
    }
}
