using System.Diagnostics;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Firewall;
using Uncloak.Store;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// One ban operation from request to kernel: decide (safety, rate cap, escalation), store (the truth,
/// refusals included), then change the kernel by exactly the difference, in one batch. When the kernel's
/// sets are missing (reboot, someone deleted the table) it reconciles in full instead, so whatever the
/// store holds is back. Crash-consistent: an intent is recorded before store or kernel change and cleared after both;
/// an intent whose process died (kill -9, power loss) makes the next operation or start-up reconcile the kernel with
/// the store first (<see cref="RecoverCrashed"/>). If the kernel step fails the store still holds the decision and
/// the next operation, <c>bans sync</c> or start-up enforces it.
/// </summary>
public sealed class BanWorkflow
{
    private readonly DecisionStore _store;
    private readonly IFirewallBackend? _enforcer;
    private readonly TimeProvider _time;
    private readonly IEnforcer? _killer;

    /// <param name="store">The decisions, the truth.</param>
    /// <param name="enforcer">Null for a dry run: decide and report, touch neither store nor kernel.</param>
    /// <param name="time">The clock decisions are stamped with.</param>
    /// <param name="killer">When given, it is asked to kill (<see cref="EnforcementKind.Kill"/>) the established connections of each newly banned target after the ban is in the kernel.</param>
    public BanWorkflow(DecisionStore store, IFirewallBackend? enforcer, TimeProvider time, IEnforcer? killer = null)
    {
        _store = store;
        _enforcer = enforcer;
        _time = time;
        _killer = killer;
    }

    public sealed record Outcome(IReadOnlyList<Decision> Decisions, int KernelAdded, int KernelRemoved, bool RateCapTripped, double StoreMs, double KernelMs, double TotalMs)
    {
        /// <summary>True when store and kernel were written at the same time (large batches): <see cref="StoreMs"/> and <see cref="KernelMs"/> overlap.</summary>
        public bool Parallel { get; init; }

        /// <summary>Of <see cref="StoreMs"/>: deciding (safety, cap, escalation history) before the store write.</summary>
        public double DecideMs { get; init; }

        /// <summary>Connections destroyed and failed by the kill action (zero when none was configured).</summary>
        public ConnectionKillResult Killed { get; init; }

        public int Accepted => Decisions.Count(d => d.Status == DecisionStatus.Active);

        public int Refused => Decisions.Count(d => d.Status == DecisionStatus.Refused);
    }

    public Outcome Ban(IReadOnlyList<BanRequest> requests, SafetyContext safety, Escalation escalation, int maxPerMinute, bool dryRun)
        => Ban(requests, safety, escalation, new BanRateCap(maxPerMinute, maxPerMinute > 0 ? _store.BanTimesSince(_time.GetUtcNow().AddMinutes(-1)) : null), dryRun);

    /// <summary>
    /// The same with a rate cap the caller keeps across calls (the fleet's received-ban cap): seeding a cap from the
    /// store reads every ban of the last minute, which a caller applying a 100,000-ban burst in many batches would
    /// otherwise pay at every batch.
    /// </summary>
    public Outcome Ban(IReadOnlyList<BanRequest> requests, SafetyContext safety, Escalation escalation, BanRateCap cap, bool dryRun)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var total = Stopwatch.StartNew();
        var now = _time.GetUtcNow();
        // Sized once (a 100,000-ban import): Distinct().ToList() grew its set and list by doubling.
        var seen = new HashSet<BanTarget>(requests.Count);
        var involved = new List<BanTarget>(requests.Count);
        foreach (var r in requests)
        {
            if (seen.Add(r.Target))
            {
                involved.Add(r.Target);
            }
        }
        var priors = escalation.Factor > 1 ? _store.PriorBans(now - escalation.Lookback, involved, now) : [];
        var policy = new DecisionPolicy(safety, escalation, cap);
        var decisions = new List<Decision>(requests.Count);
        foreach (var r in requests)
        {
            decisions.Add(policy.Decide(r, priors.GetValueOrDefault(r.Target), now));
        }
        if (dryRun || _enforcer is null)
        {
            return new Outcome(decisions, 0, 0, policy.RateCapTripped, 0, 0, total.Elapsed.TotalMilliseconds);
        }
        RecoverCrashed();
        long intent = _store.BeginIntent("ban", Environment.ProcessId, now);
        double decideMs = total.Elapsed.TotalMilliseconds;
        // Only the involved targets and the in-force networks: the kernel delta of this batch depends on nothing else.
        var before = _store.InForceTargets(now, involved);
        bool complete = involved.Count > DecisionStore.ProbeLimit;
        IReadOnlyList<Decision> stored;
        int added, removed;
        double storeMs, kernelMs;
        if (complete)
        {
            // A large batch read the whole state already, so the kernel change needs nothing more from the store:
            // write both at once (SQLite on a worker, nftables here). The store commit is still awaited before
            // success is reported; if it fails, the kernel is put back to the state read before. The WAL checkpoint
            // waits until both are done (the bans are committed without it), so it never delays them.
            using var deferral = _store.DeferCheckpoints();
            var insert = Task.Run(() =>
            {
                var rows = StoreDecisions(decisions, before, now);
                return (rows, total.Elapsed.TotalMilliseconds);
            });
            double kernelStart = total.Elapsed.TotalMilliseconds;
            try
            {
                (added, removed) = ChangeKernel(before, After(before, decisions), now, complete: true);
            }
            finally
            {
                kernelMs = total.Elapsed.TotalMilliseconds - kernelStart;
                // Never leave the writer running behind an exception (the connection is not shared). Wait without
                // observing its outcome: a store failure is handled just below, with the kernel put back.
                ((IAsyncResult)insert).AsyncWaitHandle.WaitOne();
            }
            try
            {
                (stored, storeMs) = insert.GetAwaiter().GetResult();
            }
            catch (StoreException)
            {
                _enforcer.Reconcile(BanSetPlan.Desired(before), now);
                throw;
            }
            // Both sides hold the change: the intent is done. (Left behind by an exception above, it makes the next run reconcile.)
            _store.EndIntent(intent);
        }
        else
        {
            stored = StoreDecisions(decisions, before, now);
            storeMs = total.Elapsed.TotalMilliseconds;
            (added, removed) = ChangeKernel(before, After(before, decisions), now, complete: false);
            kernelMs = total.Elapsed.TotalMilliseconds - storeMs;
            _store.EndIntent(intent);
        }
        var killed = new ConnectionKillResult(0, 0);
        if (_killer is not null)
        {
            // After the kernel holds the bans: a killed peer's reconnect is already dropped.
            foreach (var target in stored.Where(d => d.Status == DecisionStatus.Active).Select(d => d.Target).Distinct())
            {
                var k = _killer.Execute(EnforcementAction.Kill(target), now);
                killed = new ConnectionKillResult(killed.Destroyed + k.Affected, killed.Failed + k.Failed);
            }
        }
        return new Outcome(stored, added, removed, policy.RateCapTripped, storeMs, kernelMs, total.Elapsed.TotalMilliseconds) { Killed = killed, DecideMs = decideMs, Parallel = complete };
    }

    /// <summary>The in-force targets once <paramref name="decisions"/> are in force: <paramref name="before"/> with each accepted ban's expiry where it is later.</summary>
    private static Dictionary<BanTarget, DateTimeOffset> After(Dictionary<BanTarget, DateTimeOffset> before, List<Decision> decisions)
    {
        // Sized once: at 100,000 bans into an empty store, growing by doubling copied and faulted in the table again and again.
        var after = new Dictionary<BanTarget, DateTimeOffset>(before.Count + decisions.Count);
        foreach (var (target, expires) in before)
        {
            after.Add(target, expires);
        }
        foreach (var d in decisions)
        {
            if (d.Status == DecisionStatus.Active && (!after.TryGetValue(d.Target, out var e) || d.Expires > e))
            {
                after[d.Target] = d.Expires;
            }
        }
        return after;
    }

    /// <summary>Two expiries closer than this are one ban: the kernel is not touched for the difference, nor is the store.</summary>
    private static readonly TimeSpan SameExpiry = TimeSpan.FromSeconds(1);

    /// <summary>Who lifts bans through this workflow, as recorded with each revocation (<c>root (bans del)</c>).</summary>
    public string Actor { get; init; } = "cli";

    /// <summary>
    /// Stores the decisions, keeping one active row per target (issue 16): a re-ban of a target whose ban is in force
    /// extends that ban (never shortens it) and counts a renewal instead of adding a duplicate; the rest are inserted in
    /// one transaction. The result keeps the order of <paramref name="decisions"/>.
    /// </summary>
    private IReadOnlyList<Decision> StoreDecisions(List<Decision> decisions, Dictionary<BanTarget, DateTimeOffset> before, DateTimeOffset now)
    {
        if (!decisions.Exists(d => d.Status == DecisionStatus.Active && before.ContainsKey(d.Target)))
        {
            return _store.Insert(decisions);
        }
        var result = new Decision[decisions.Count];
        var fresh = new List<int>(decisions.Count);
        for (int i = 0; i < decisions.Count; i++)
        {
            var d = decisions[i];
            // An extension within SameExpiry leaves the kernel's timeout as it is (ChangeKernel), so the store keeps it too:
            // store and kernel must agree on when the ban ends, or the next ban would count it as still in force.
            if (d.Status == DecisionStatus.Active && before.TryGetValue(d.Target, out var current)
                && _store.Renew(d.Target, d.Expires - current < SameExpiry ? current : d.Expires, now) is { } renewed)
            {
                // Reported as decided (this request's duration), under the id of the row it extended.
                result[i] = d with { Id = renewed.Id, Renewals = renewed.Renewals, Renewed = renewed.Renewed };
            }
            else
            {
                fresh.Add(i);
            }
        }
        var inserted = _store.Insert([.. fresh.Select(i => decisions[i])]);
        for (int j = 0; j < fresh.Count; j++)
        {
            result[fresh[j]] = inserted[j];
        }
        return result;
    }

    /// <summary>Lifts the bans in force on these targets; returns how many decisions were revoked.</summary>
    public (int Revoked, int KernelRemoved) Unban(IReadOnlyCollection<BanTarget> targets, bool dryRun)
    {
        var now = _time.GetUtcNow();
        var before = _store.InForceTargets(now, targets);
        if (dryRun || _enforcer is null)
        {
            return (targets.Count(before.ContainsKey), 0);
        }
        RecoverCrashed();
        long intent = _store.BeginIntent("unban", Environment.ProcessId, now);
        int revoked = _store.Revoke(targets, now, Actor);
        var after = _store.InForceTargets(now, targets);
        // A kernel element the store does not know (left by a crash, or added by hand) is removed too: asked by name,
        // it must not stay for days because no decision covers it. (Found before ChangeKernel, which may trim after.)
        var strays = targets.Where(t => !before.ContainsKey(t) && !after.ContainsKey(t)).ToHashSet();
        var (_, removed) = ChangeKernel(before, after, now, complete: targets.Count > DecisionStore.ProbeLimit);
        if (strays.Count > 0 && _enforcer.IsInstalled())
        {
            var inKernel = _enforcer.ReadElements(now);
            var gone = strays.Where(inKernel.ContainsKey).ToList();
            if (gone.Count > 0)
            {
                _enforcer.Apply(gone, [], now);
                removed += gone.Count;
            }
        }
        _store.EndIntent(intent);
        return (revoked, removed);
    }

    /// <summary>
    /// Completes what a crashed run left half done (issue 17, item 5): when a ban intent's process is gone, the store
    /// (whose write is one transaction, so whole or absent) is the truth, and the kernel is made to match it in one
    /// batch. Runs before every kernel-changing operation and at daemon start (<see cref="Sync()"/>); costs one indexed
    /// read when nothing crashed.
    /// </summary>
    /// <returns>The reconcile's result, or null when no crash was found.</returns>
    public ReconcileResult? RecoverCrashed()
    {
        var stale = _store.Intents().Where(i => !ProcessAlive(i.Pid)).Select(i => i.Id).ToList();
        if (stale.Count == 0 || _enforcer is null)
        {
            return null;
        }
        var now = _time.GetUtcNow();
        var result = _enforcer.Reconcile(BanSetPlan.Desired(_store.InForceTargets(now)), now);
        _store.EndIntents(stale);
        return result;
    }

    /// <summary>True while process <paramref name="pid"/> exists (a reused pid only delays a recovery until it ends).</summary>
    private static bool ProcessAlive(int pid) => pid == Environment.ProcessId || Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Lifts every ban: store first, then empties the kernel sets.</summary>
    public int Flush(bool dryRun)
    {
        var now = _time.GetUtcNow();
        if (dryRun || _enforcer is null)
        {
            return _store.InForceTargets(now).Count;
        }
        RecoverCrashed();
        long intent = _store.BeginIntent("flush", Environment.ProcessId, now);
        int revoked = _store.RevokeAll(now, Actor);
        _enforcer.Flush();
        _store.EndIntent(intent);
        return revoked;
    }

    /// <summary>
    /// Lifts the bans in force that <paramref name="scenario"/> or <paramref name="origin"/> decided (bans del --scenario,
    /// --origin), then makes the kernel match what remains (another origin's ban on the same target stays). Returns how
    /// many decisions were revoked.
    /// </summary>
    public int UnbanMatching(string? scenario, string? origin, bool dryRun)
    {
        var now = _time.GetUtcNow();
        if (dryRun || _enforcer is null)
        {
            return _store.List(new DecisionFilter { Active = true, Scenario = scenario, Origin = origin }, now, int.MaxValue).Count;
        }
        RecoverCrashed();
        long intent = _store.BeginIntent("unban", Environment.ProcessId, now);
        int revoked = _store.RevokeMatching(scenario, origin, now, Actor);
        Sync();
        _store.EndIntent(intent);
        return revoked;
    }

    /// <summary>
    /// Makes the kernel match the store, re-checking safety first (issue 16): a ban decided while an address was not
    /// protected — before it became this host's own address, its gateway, or allowlisted — is revoked (recorded as
    /// <c>safety re-check (rule)</c>) instead of being restored. Returns the reconcile and how many bans were revoked so.
    /// </summary>
    public (ReconcileResult Result, int Unsafe) Sync(SafetyContext safety)
    {
        var now = _time.GetUtcNow();
        int revoked = 0;
        foreach (var group in _store.InForceTargets(now).Keys
                     .Select(t => (Target: t, Rule: SafetyRules.Check(t, safety).Reason))
                     .Where(x => x.Rule != RefusalReason.None)
                     .GroupBy(x => x.Rule))
        {
            revoked += _store.Revoke([.. group.Select(x => x.Target)], now, $"safety re-check ({group.Key.Name()})");
        }
        return (Sync(), revoked);
    }

    /// <summary>Makes the kernel match the store in one batch (what a daemon does at start-up).</summary>
    public ReconcileResult Sync()
    {
        var enforcer = _enforcer ?? throw new InvalidOperationException("sync needs an enforcer");
        var now = _time.GetUtcNow();
        // A full reconcile completes any crashed operation, so the intents of dead processes are done with.
        var stale = _store.Intents().Where(i => !ProcessAlive(i.Pid)).Select(i => i.Id).ToList();
        var result = enforcer.Reconcile(BanSetPlan.Desired(_store.InForceTargets(now)), now);
        if (stale.Count > 0)
        {
            _store.EndIntents(stale);
        }
        return result;
    }

    /// <param name="before">In-force targets before the change (the involved ones and every network).</param>
    /// <param name="now">When timeouts are counted from.</param>
    /// <param name="after">The same after the change (trimmed of covered prefixes when the kernel is reinstalled).</param>
    /// <param name="complete">True when <paramref name="after"/> holds every ban in force (large batches read the whole state), so a full reconcile need not read the store again.</param>
    private (int Added, int Removed) ChangeKernel(Dictionary<BanTarget, DateTimeOffset> before, Dictionary<BanTarget, DateTimeOffset> after, DateTimeOffset now, bool complete)
    {
        var enforcer = _enforcer!;
        if (!enforcer.IsInstalled())
        {
            // The kernel lost its sets (reboot, table deleted): restore everything the store holds, in the same batch.
            // The dictionaries are this method's own, so covered prefixes are dropped in place rather than from a 100,000-entry copy.
            var r = enforcer.Reconcile(BanSetPlan.DropCovered(complete ? after : _store.InForceTargets(now)), now);
            return (r.Restored + r.Refreshed, r.Removed);
        }
        // Expiries within SameExpiry are the same ban: re-adding would only churn the kernel.
        var (add, delete) = BanSetPlan.Diff(BanSetPlan.Desired(before), BanSetPlan.Desired(after), SameExpiry);
        if (add.Count > 0 || delete.Count > 0)
        {
            enforcer.Apply(delete, add, now);
        }
        return (add.Count, delete.Count);
    }
}
