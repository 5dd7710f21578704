using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Enforcement;
using Uncloak.Core.Signals;
using Uncloak.Firewall;
using Uncloak.Firewall.Host;
using Uncloak.Firewall.Nftables;
using Uncloak.Linux.Sockets;
using Uncloak.Store;
using Uncloak.Daemon.Alerts;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Probes;

namespace Uncloak.Daemon.Enforcement;

/// <summary>
/// The daemon's enforcement as its config asks: the firewall (reconciled with the store at start, so a crash or reboot
/// loses no ban and leaves none stale), the socket kill guarded by the host's own addresses, the SSH client and the
/// allowlist, the alerts and the outage remedies, as one <see cref="IEnforcer"/>. Disposing closes the firewall.
/// </summary>
public sealed class HostEnforcement : IDisposable
{
    /// <summary>How long one remedy step may run before it is killed.</summary>
    public static readonly TimeSpan RemedyStepTimeout = TimeSpan.FromSeconds(60);

    private readonly FirewallEnforcer? _firewall;

    private HostEnforcement(FirewallEnforcer? firewall, IEnforcer all)
    {
        _firewall = firewall;
        Enforcer = all;
    }

    /// <summary>Every action, routed to its part.</summary>
    public IEnforcer Enforcer { get; }

    public static HostEnforcement Open(WatchConfig config, SqliteStore store, TimeProvider time, AlertDispatcher alerts, WatchLog log)
    {
        ArgumentNullException.ThrowIfNull(config);
        var allow = config.Allowlist.Select(a => BanTarget.Parse(a)).ToList();
        var sockets = new SocketKillEnforcer(SocketKill.HostGuard(allow.Select(a => new PeerPrefix(a.Network, a.PrefixLength))));
        var remedies = new RemedyRunner(log, RemedyStepTimeout);
        var firewall = OpenFirewall(config, store, time, allow, log);
        return new HostEnforcement(firewall, new Enforcers(firewall is null ? [sockets, alerts, remedies] : [firewall, sockets, alerts, remedies]));
    }

    /// <summary>
    /// The ban backend, reconciled with the store; null when the config says off, when simulating, or when no backend is
    /// installed (then bans are recorded only, and the log says so).
    /// </summary>
    private static FirewallEnforcer? OpenFirewall(WatchConfig config, SqliteStore store, TimeProvider time, List<BanTarget> allow, WatchLog log)
    {
        if (config.Firewall == FirewallBackend.Off || config.Simulate)
        {
            return null;
        }
        IFirewallBackend backend;
        try
        {
            backend = FirewallBackends.Open(config.Firewall);
        }
        catch (FirewallException e)
        {
            log.BansRecordedOnly(e.Message);
            return null;
        }
        NftTableMonitor? monitor = null;
        if (backend is NftFirewallBackend nft)
        {
            nft.NetlinkFallback = log.FirewallNetlinkFallback;
            try
            {
                monitor = NftTableMonitor.Start();
            }
            catch (FirewallException e)
            {
                log.FirewallUnwatched(e.Message);
            }
        }
        var firewall = new FirewallEnforcer(store, backend, time, HostFacts.Read(HostAddresses.Read(), allow), config.MaxBansPerMinute, monitor, log);
        try
        {
            var r = firewall.Reconcile();
            log.BansReconciled(firewall.Backend, r.Restored, r.Removed, r.Kept);
        }
        catch (FirewallException e)
        {
            log.BansNotReconciled(firewall.Backend, e.Message);
        }
        return firewall;
    }

    public void Dispose() => _firewall?.Dispose();
}
