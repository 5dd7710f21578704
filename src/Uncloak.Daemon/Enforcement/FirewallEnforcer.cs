using System.Diagnostics;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Uncloak.Store;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Bans and unbans through <see cref="BanWorkflow"/>: it decides (safety rules — own addresses, gateways, the SSH client,
/// the allowlist —, the per-minute cap, escalation from the stored history), stores the decision, then puts exactly the
/// difference into the kernel set (nftables <c>inet uncloak</c>, or iptables+ipset). <see cref="Reconcile"/> at start-up
/// makes the kernel match the store: a crash or reboot loses no ban and leaves none stale, and again whenever the kernel
/// announces that the ban table was deleted underneath (<see cref="NftTableMonitor"/>: <c>nft flush ruleset</c>, a
/// restart of nftables.service), at the engine's next tick. Socket kills are <see cref="SocketKillEnforcer"/>'s; the
/// planner orders them after the ban, so a killed peer cannot reconnect.
/// </summary>
public sealed class FirewallEnforcer : IEnforcer, IDisposable
{
    private readonly BanWorkflow _workflow;
    private readonly DecisionStore _decisions;
    private readonly IFirewallBackend _backend;
    private readonly SafetyContext _safety;
    private readonly int _maxPerMinute;
    private readonly NftTableMonitor? _monitor;
    private readonly TimeProvider _time;
    private readonly WatchLog? _log;

    /// <summary>The ban table's handles after the last reconcile: what a check after lost notifications compares with.</summary>
    private TableShape? _shape;

    /// <summary>With a <c>monitor</c> (nftables backends; disposed with this enforcer), a deleted ban table is restored by <see cref="Maintain"/>.</summary>
    public FirewallEnforcer(SqliteStore store, IFirewallBackend backend, TimeProvider time, SafetyContext safety, int maxPerMinute, NftTableMonitor? monitor = null, WatchLog? log = null)
    {
        _monitor = monitor;
        _log = log;
        _decisions = new DecisionStore(store);
        _workflow = new BanWorkflow(_decisions, backend, time);
        _time = time;
        _backend = backend;
        _safety = safety;
        _maxPerMinute = maxPerMinute;
    }

    public string Backend => _backend.Name;

    /// <summary>Makes the kernel match the store, after revoking bans on addresses that have since become protected.</summary>
    public ReconcileResult Reconcile()
    {
        _shape = null;
        var result = _workflow.Sync(_safety).Result;
        _shape = (_backend as NftFirewallBackend)?.Shape();
        return result;
    }

    public string? Maintain()
    {
        var damage = _monitor?.TakeDamage() ?? TableDamage.None;
        if (damage == TableDamage.None)
        {
            return null;
        }
        var clock = Stopwatch.StartNew();
        if (damage == TableDamage.Unsure && _backend is NftFirewallBackend nft && _shape is { } known)
        {
            // Notifications were lost (the daemon's own large commits announce every element), and none of those read
            // deleted anything. The monitor only stands for deletions of the table, its chain, sets and rules, and those
            // show in the structure: the same handles (nothing deleted and made again since the last reconcile) and all
            // four rules (which reference the four sets). A fraction of a second against listing every ban and diffing.
            bool intact = nft.Shape() == known && nft.IsFullyInstalled();
            _log?.FirewallChecked(_monitor!.Overruns, intact ? "intact" : "changed: reconciling", clock.Elapsed);
            if (intact)
            {
                return null;
            }
        }
        try
        {
            var r = Reconcile();
            _log?.FirewallChecked(_monitor!.Overruns, $"{damage}: reconciled", clock.Elapsed);
            return !r.Installed && r.Restored + r.Removed == 0 ? null : $"ban table restored after it was deleted underneath: {r.Restored} restored, {r.Removed} removed, {r.Kept} kept";
        }
        catch (FirewallException e)
        {
            // Asked again at the next deletion; `uncloak bans sync` repairs by hand.
            return "ban table was deleted underneath and could not be restored: " + e.Message;
        }
    }

    public bool Enforces(EnforcementKind kind) => kind is EnforcementKind.Ban or EnforcementKind.Unban;

    public int? BansInForce(DateTimeOffset now) => _decisions.CountInForce(now);

    public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            switch (action.Kind)
            {
                case EnforcementKind.Ban:
                    var outcome = _workflow.Ban([new BanRequest(action.Target, action.Duration, action.Reason, action.Origin, action.Scenario) { Evidence = action.Evidence }], _safety, action.Escalation, _maxPerMinute, dryRun: false);
                    var d = outcome.Decisions[0];
                    return d.Status != DecisionStatus.Active
                        ? new EnforcementResult(false, $"refused ({d.Refusal}): {d.RefusalMessage}")
                        : new EnforcementResult(true, $"banned for {DurationText.Format(d.Duration)}{(d.Repeat > 0 ? $" (repeat {d.Repeat})" : "")} in {_backend.Name}", 1);
                case EnforcementKind.Unban:
                    // A person's unban (the dashboard) is recorded under their name; the daemon's own under the workflow's.
                    var unbanner = action.Actor is null ? _workflow : new BanWorkflow(_decisions, _backend, _time) { Actor = action.Actor };
                    var (revoked, removed) = unbanner.Unban([action.Target], dryRun: false);
                    return new EnforcementResult(true, $"lifted {revoked} ban(s), {removed} kernel element(s) removed", revoked);
                default:
                    return EnforcementResult.RecordedOnly($"{action.Kind} is not a firewall action");
            }
        }
        catch (FirewallException e)
        {
            // The decision is stored; the next start-up reconcile (or `uncloak bans sync`) puts it into the kernel.
            return new EnforcementResult(false, "stored, the kernel refused: " + e.Message);
        }
        catch (StoreException e)
        {
            return new EnforcementResult(false, "failed to store: " + e.Message);
        }
    }

    public void Dispose()
    {
        _monitor?.Dispose();
        _backend.Dispose();
    }
}
