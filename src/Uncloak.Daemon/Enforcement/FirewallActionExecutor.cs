using Uncloak.Core.Decisions;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Uncloak.Store;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Bans through the Defend code: <see cref="BanWorkflow"/> decides (safety rules — own addresses, gateways, the SSH
/// client, the allowlist —, the per-minute cap, escalation from the stored history), stores the decision, then puts
/// exactly the difference into the kernel set (nftables <c>inet uncloak</c>, or iptables+ipset). Socket kills go to
/// <see cref="HostActionExecutor"/>, after the ban (the planner orders them so), so a killed peer cannot reconnect.
/// <see cref="Reconcile"/> at start-up makes the kernel match the store: a crash or reboot loses no ban and leaves none stale,
/// and again whenever the kernel announces that the ban table was deleted underneath (<see cref="NftTableMonitor"/>:
/// <c>nft flush ruleset</c>, a restart of nftables.service), at the engine's next tick.
/// </summary>
public sealed class FirewallActionExecutor : IActionExecutor, IDisposable
{
    private readonly BanWorkflow _workflow;
    private readonly DecisionStore _decisions;
    private readonly IBanEnforcer _enforcer;
    private readonly SafetyContext _safety;
    private readonly HostActionExecutor _sockets;
    private readonly int _maxPerMinute;
    private readonly NftTableMonitor? _monitor;

    /// <summary>With a <c>monitor</c> (nftables backends; disposed with this executor), a deleted ban table is restored by <see cref="Maintain"/>.</summary>
    public FirewallActionExecutor(SqliteStore store, IBanEnforcer enforcer, TimeProvider time, SafetyContext safety, int maxPerMinute, HostActionExecutor sockets,
        NftTableMonitor? monitor = null)
    {
        _monitor = monitor;
        _decisions = new DecisionStore(store);
        _workflow = new BanWorkflow(_decisions, enforcer, time);
        _enforcer = enforcer;
        _safety = safety;
        _maxPerMinute = maxPerMinute;
        _sockets = sockets;
    }

    public string Backend => _enforcer.Name;

    /// <summary>Makes the kernel match the store, after revoking bans on addresses that have since become protected.</summary>
    public ReconcileResult Reconcile() => _workflow.Sync(_safety).Result;

    public string? Maintain()
    {
        if (_monitor is null || !_monitor.TakeDamage())
        {
            return null;
        }
        try
        {
            var r = Reconcile();
            return !r.Installed && r.Restored + r.Removed == 0 ? null : $"ban table restored after it was deleted underneath: {r.Restored} restored, {r.Removed} removed, {r.Kept} kept";
        }
        catch (FirewallException e)
        {
            // Asked again at the next deletion; `uncloak bans sync` repairs by hand.
            return "ban table was deleted underneath and could not be restored: " + e.Message;
        }
    }

    public bool Enforces(RemediationKind kind) => kind is RemediationKind.Ban or RemediationKind.KillSockets;

    public int? BansInForce(DateTime now) => _decisions.InForceTargets(new DateTimeOffset(now, TimeSpan.Zero)).Count;

    public string Execute(RemediationAction action, DateTime now)
    {
        if (action.Kind != RemediationKind.Ban)
        {
            return _sockets.Execute(action, now);
        }
        var target = new BanTarget(action.Target, action.PrefixLength);
        var escalation = action.EscalateFactor > 1 ? new Escalation(action.EscalateFactor, action.MaxDuration, TimeSpan.FromDays(30)) : Escalation.None;
        try
        {
            var trigger = action.Alert.Trigger.Position;
            var request = new BanRequest(target, action.Duration, action.Reason, "watch", action.Alert.Scenario.Name)
            {
                // Probe events are not stored rows (source 0): nothing to link.
                Evidence = trigger.SourceId > 0 ? new DecisionEvidence(trigger.SourceId, trigger.Offset, new DateTimeOffset(action.Alert.First, TimeSpan.Zero), action.Alert.Events) : null,
            };
            var outcome = _workflow.Ban([request], _safety, escalation, _maxPerMinute, dryRun: false);
            var d = outcome.Decisions[0];
            if (d.Status != DecisionStatus.Active)
            {
                return $"refused ({d.Refusal}): {d.RefusalMessage}";
            }
            return $"banned for {DurationText.Format(d.Duration)}{(d.Repeat > 0 ? $" (repeat {d.Repeat})" : "")} in {_enforcer.Name}";
        }
        catch (FirewallException e)
        {
            // The decision is stored; the next start-up reconcile (or `uncloak bans sync`) puts it into the kernel.
            return "stored, the kernel refused: " + e.Message;
        }
        catch (StoreException e)
        {
            return "failed to store: " + e.Message;
        }
    }

    public void Dispose()
    {
        _monitor?.Dispose();
        _enforcer.Dispose();
    }
}
