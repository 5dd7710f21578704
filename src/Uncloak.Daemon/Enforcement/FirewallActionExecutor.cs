using Uncloak.Core.Decisions;
using Uncloak.Firewall;
using Uncloak.Store;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// Bans through the Defend code: <see cref="BanWorkflow"/> decides (safety rules — own addresses, gateways, the SSH
/// client, the allowlist —, the per-minute cap, escalation from the stored history), stores the decision, then puts
/// exactly the difference into the kernel set (nftables <c>inet uncloak</c>, or iptables+ipset). Socket kills go to
/// <see cref="HostActionExecutor"/>, after the ban (the planner orders them so), so a killed peer cannot reconnect.
/// <see cref="Reconcile"/> at start-up makes the kernel match the store: a crash or reboot loses no ban and leaves none stale.
/// </summary>
public sealed class FirewallActionExecutor : IActionExecutor, IDisposable
{
    private readonly BanWorkflow _workflow;
    private readonly DecisionStore _decisions;
    private readonly IBanEnforcer _enforcer;
    private readonly SafetyContext _safety;
    private readonly HostActionExecutor _sockets;
    private readonly int _maxPerMinute;

    public FirewallActionExecutor(SqliteStore store, IBanEnforcer enforcer, TimeProvider time, SafetyContext safety, int maxPerMinute, HostActionExecutor sockets)
    {
        _decisions = new DecisionStore(store);
        _workflow = new BanWorkflow(_decisions, enforcer, time);
        _enforcer = enforcer;
        _safety = safety;
        _maxPerMinute = maxPerMinute;
        _sockets = sockets;
    }

    public string Backend => _enforcer.Name;

    public ReconcileResult Reconcile() => _workflow.Sync();

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
            var outcome = _workflow.Ban([new BanRequest(target, action.Duration, action.Reason, "watch", action.Alert.Scenario.Name)], _safety, escalation, _maxPerMinute, dryRun: false);
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

    public void Dispose() => _enforcer.Dispose();
}
