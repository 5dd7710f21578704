using Uncloak.Core.Decisions;
using Uncloak.Daemon.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Fleet;
using Uncloak.Fleet.Decisions;
using Uncloak.Firewall;
using Uncloak.Store;

namespace Uncloak.Daemon.Fleet;

/// <summary>
/// Received bans through this host's own <see cref="BanWorkflow"/>: the safety rules (own addresses, gateways, the SSH
/// client, the allowlist) and the fleet's received-ban cap decide, refusals are stored as refused, and the kernel set
/// gets the difference. Owns its own store connection and firewall handle, because the agent runs beside the engine's
/// thread (SQLite and nftables serialise the writers).
/// </summary>
internal sealed class FleetEnforcement : IFleetEnforcement, IDisposable
{
    private readonly SqliteStore _store;
    private readonly DecisionStore _decisions;
    private readonly IFirewallBackend _backend;
    private readonly BanWorkflow _workflow;
    private readonly SafetyContext _safety;
    private readonly BanRateCap _cap;
    private readonly TimeProvider _time;
    private readonly WatchLog? _log;

    public FleetEnforcement(string storePath, IFirewallBackend backend, SafetyContext safety, int maxPerMinute, TimeProvider time, WatchLog? log = null)
    {
        _log = log;
        _store = SqliteStore.Open(storePath);
        _decisions = new DecisionStore(_store);
        _backend = backend;
        _workflow = new BanWorkflow(_decisions, backend, time) { Actor = "fleet" };
        _safety = safety;
        // Kept across batches, seeded once with the bans of the last minute (a restart does not reset the window): a
        // burst applied in many batches reads the store's recent bans once, not at every batch. From then on it counts
        // what this agent applies, which is what the cap is for (received bans per minute).
        _cap = new BanRateCap(maxPerMinute, _decisions.BanTimesSince(time.GetUtcNow().AddMinutes(-1)));
        _time = time;
    }

    public IReadOnlyList<bool> Ban(IReadOnlyList<FleetBan> bans)
    {
        var now = _time.GetUtcNow();
        var requests = bans.Select(b => new BanRequest(b.Target, b.Expires - now, b.Reason, b.LocalOrigin, b.Scenario)).ToList();
        try
        {
            var outcome = _workflow.Ban(requests, _safety, Escalation.None, _cap, dryRun: false);
            _log?.BansApplied("fleet", requests.Count, outcome.Accepted, outcome.DecideMs, outcome.StoreMs, outcome.KernelMs, outcome.TotalMs);
            return [.. outcome.Decisions.Select(d => d.Status == DecisionStatus.Active)];
        }
        catch (FirewallException)
        {
            // Stored; the daemon's next reconcile (or `uncloak bans sync`) puts it into the kernel.
            return [.. bans.Select(_ => true)];
        }
    }

    public bool Revoke(FleetBan ban)
    {
        var now = _time.GetUtcNow();
        var onTarget = _decisions.List(new DecisionFilter { Active = true, Address = ban.Target.Network }, now, int.MaxValue)
            .Where(d => d.Target == ban.Target).ToList();
        // Another origin's ban of the same target (this host's own, or another host's) is not the revoker's to lift.
        if (onTarget.Count == 0 || onTarget.Exists(d => d.Origin != ban.LocalOrigin))
        {
            return false;
        }
        return _workflow.Unban([ban.Target], dryRun: false).Revoked > 0;
    }

    public IReadOnlyList<Decision> InForce() => _decisions.InForce(_time.GetUtcNow());

    public void Dispose()
    {
        _backend.Dispose();
        _store.Dispose();
    }
}
