using System.Diagnostics;
using System.Net;
using Uncloak.Core.Counters;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Topology;
using Uncloak.Lab.Victim;
using Uncloak.Linux.Counters;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Runs;

/// <summary>
/// Runs one cell on a fresh lab: up, defence, victim, probe (baseline, then through the attack), attack, and always down —
/// so no cell inherits sockets, rules or sysctls from another. Everything runs in this process: the victim's, the probe's
/// and the attacker's sockets are created on threads inside their namespaces.
/// </summary>
public static class CellRunner
{
    /// <summary>The server counters a cell reports (deltas over the cell).</summary>
    /// <summary>How long the daemon outlives the cell's plan at most before it stops by itself (start-up, the stop's drain).</summary>
    private static readonly TimeSpan DaemonSlack = TimeSpan.FromSeconds(30);

    public static readonly IReadOnlyList<string> CounterNames =
    [
        "TcpExt.TCPReqQFullDrop", "TcpExt.TCPReqQFullDoCookies", "TcpExt.SyncookiesSent", "TcpExt.SyncookiesRecv",
        "TcpExt.ListenOverflows", "TcpExt.ListenDrops", "TcpExt.TCPWinProbe", "TcpExt.TCPAbortOnData", "Icmp.InEchos",
    ];

    public static async Task<CellResult> RunAsync(LabNames names, CellPlan plan, CancellationToken cancel)
    {
        LabTopology.Up(names);
        try
        {
            DefenceSetup.Apply(names, plan.Defence);
            await using var victim = await VictimFactory.StartAsync(names, plan.Workers, plan.PreferApache, cancel);
            // The daemon is up (READY=1) before the probe starts, so its start-up neither costs the baseline nor the attack.
            await using var daemon = plan.Defence == DefenceKind.Uncloak
                ? await WatchDaemon.StartAsync(names, plan.Warmup + plan.Limits.Duration + DaemonSlack, cancel)
                : null;
            using var bans = daemon is null ? null : new BanWatcher(names);
            var before = ReadCounters(names);
            var probe = new ClientProbe(names.Client, new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort), plan.ProbeInterval, plan.ProbeTimeout);
            var clock = Stopwatch.StartNew(); // the probe's samples are timed from (within microseconds of) here
            var probing = probe.RunAsync(plan.Warmup + plan.Limits.Duration, cancel);
            await Task.Delay(plan.Warmup, cancel);

            var attackAt = clock.Elapsed;
            var attackStart = DateTime.UtcNow; // the daemon records its decisions in UTC wall time
            bans?.Start();
            var attack = Attackers.Create(plan.Attack);
            var stats = await Task.Factory.StartNew(() => attack.Run(names, plan.Limits, cancel), cancel, TaskCreationOptions.LongRunning, TaskScheduler.Default);
            var samples = await probing;
            // An interrupted cell measured less than it claims: it is not reported (the lab is still removed below).
            cancel.ThrowIfCancellationRequested();
            var uncloak = daemon is null || bans is null ? null : UncloakStats.From(await daemon.StopAsync(), attackStart, bans.Stop());
            var after = ReadCounters(names);

            double warm = attackAt.TotalSeconds, end = warm + plan.Limits.Duration.TotalSeconds;
            var judgedEnd = attackAt + plan.Limits.Duration - plan.ProbeTimeout;
            ProbeSummary Window(double from, double to) => ProbeSummary.Of([.. samples.Where(s => s.At.TotalSeconds >= from && s.At.TotalSeconds < to)]);
            var perSecond = Enumerable.Range(0, (int)Math.Ceiling(end))
                .Select(sec => samples.Where(s => (int)s.At.TotalSeconds == sec).ToList())
                .Select(list => list.Count == 0 ? (double?)null : (double)list.Count(s => s.Ok) / list.Count)
                .ToList();
            var counters = CounterNames.ToDictionary(n => n, n => (after[n] ?? 0) - (before[n] ?? 0));
            return new CellResult(plan.Attack, plan.Defence, victim.Description,
                Window(0, warm), Window(warm, end), Window(warm + plan.Settle.TotalSeconds, judgedEnd.TotalSeconds),
                stats, uncloak, counters, perSecond, plan.Warmup.TotalSeconds, plan.Limits.Duration.TotalSeconds,
                ProbeRecovery.After(samples, attackAt, judgedEnd));
        }
        finally
        {
            LabTopology.Down(names);
        }
    }

    private static CounterSnapshot ReadCounters(LabNames names)
        => NetNamespace.Run(names.Server, () => new CounterReader(procNet: "/proc/thread-self/net").Read());
}
