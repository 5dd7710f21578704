using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Daemon.Logging;
using Uncloak.Firewall;
using Uncloak.Firewall.Nftables;
using Uncloak.Firewall.Host;
using Uncloak.Fleet;
using Uncloak.Linux.Sockets;

namespace Uncloak.Daemon.Fleet;

/// <summary>
/// The daemon's fleet agent, when <c>fleet:</c> is configured: runs beside the engine until disposed. Received bans go
/// through this host's firewall and safety rules (<see cref="FleetEnforcement"/>); with no firewall (off, simulate, none
/// installed) the host only publishes.
/// </summary>
public sealed class FleetLink : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task _run;
    private readonly FleetEnforcement? _enforcement;

    private FleetLink(FleetAgent agent, FleetEnforcement? enforcement, CancellationToken cancel)
    {
        Agent = agent;
        _enforcement = enforcement;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        _run = Task.Run(() => agent.RunAsync(_stop.Token), _stop.Token);
    }

    public FleetAgent Agent { get; }

    /// <summary>Starts the agent, or returns null when the config has no fleet.</summary>
    public static FleetLink? Start(WatchConfig config, string storePath, TimeProvider time, WatchLog log, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.Fleet is not { } fleet)
        {
            return null;
        }
        FleetEnforcement? enforcement = null;
        if (config.Firewall != FirewallBackend.Off && !config.Simulate)
        {
            try
            {
                var allow = config.Allowlist.Select(a => BanTarget.Parse(a)).ToList();
                var backend = FirewallBackends.Open(config.Firewall);
                if (backend is NftFirewallBackend nft)
                {
                    nft.NetlinkFallback = log.FirewallNetlinkFallback;
                }
                enforcement = new FleetEnforcement(storePath, backend, HostFacts.Read(HostAddresses.Read(), allow), fleet.MaxReceivedPerMinute, time, log);
            }
            catch (FirewallException e)
            {
                log.FleetUnavailable("received bans will not be applied: " + e.Message);
            }
        }
        return new FleetLink(new FleetAgent(fleet, storePath, enforcement, new FleetLog(log), time) {
            Version = WatchEngine.Version,
            CrossProbes = config.Probes.Where(p => p.Of is not null).ToDictionary(p => p.Name, p => p.Of!, StringComparer.Ordinal),
        }, enforcement, cancel);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _run.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped as asked.
        }
        _enforcement?.Dispose();
        _stop.Dispose();
    }
}
