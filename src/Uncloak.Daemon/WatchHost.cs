using System.Runtime.InteropServices;
using Uncloak.Config;
using Uncloak.Store;
using Uncloak.Store.Watch;
using Uncloak.Daemon.Alerts;
using Uncloak.Daemon.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;
using Uncloak.Daemon.Probes;
using Uncloak.Daemon.Sources;
using Uncloak.Daemon.Systemd;

namespace Uncloak.Daemon;

/// <summary>
/// The live daemon put together from a loaded config: sources (<see cref="SourceFactory"/>), probes, enforcement
/// (<see cref="HostEnforcement"/>), alerts, sd_notify, the web side, and SIGHUP (a reload); then the engine until
/// <c>cancel</c> (the caller's <see cref="StopSignals"/>: SIGTERM and SIGINT). The CLI only parses arguments and loads the config.
/// </summary>
public static class WatchHost
{
    /// <summary>
    /// Starts the HTTP side (<c>/metrics</c>, <c>/healthz</c> on <see cref="WatchConfig.Metrics"/>, the dashboard when
    /// <see cref="WebConfig.Enabled"/>) and returns it; logs the addresses it serves; throws <see cref="IOException"/> when
    /// an address cannot be bound or the login token cannot be written. Supplied by the caller because the web host
    /// (Uncloak.Web) sits above the daemon.
    /// </summary>
    public delegate Task<IAsyncDisposable> WebStarter(WatchWebContext context, CancellationToken cancel);

    /// <summary>
    /// Runs until <paramref name="cancel"/> or a stop signal. Throws <see cref="WatchStartException"/> when the web side
    /// cannot start (nothing was read yet).
    /// </summary>
    public static async Task RunAsync(WatchConfig config, DetectionConfig detection, Func<DetectionConfig> loadDetection, SqliteStore store, WatchLog log,
        WebStarter? web, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        var time = TimeProvider.System;
        // Stop signals are the caller's (StopSignals, held until the store is closed): they come as cancel. SIGHUP is taken
        // first so it is given back last; until the engine exists a reload has nothing to reload.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        WatchEngine? reloadable = null;
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; Volatile.Read(ref reloadable)?.RequestReload(); });
        var metrics = new WatchMetrics { Version = WatchEngine.Version };
        using var notifier = new SystemdNotifier();
        await using var alerts = new AlertDispatcher(config.Alerts, log, metrics);
        var sources = SourceFactory.Create(config, time);
        var probes = ProbeFactory.Create(config);
        using var enforcement = HostEnforcement.Open(config, store, time, alerts, log);
        // Beside the engine, on its own store connection: a bus that is down or slow never holds up local defence.
        await using var fleet = Fleet.FleetLink.Start(config, store.Path, time, log, stop.Token);
        // Captures run beside the engine and finish their queue after it stops (an outage's end bundle is worth the wait).
        await using var capture = config.Forensics.Capture && config.Probes.Count > 0 ? new Forensics.IncidentCaptureService(config.Forensics, config.Forensics.DirectoryFor(store.Path), time,
            servicePorts: PacketsConfig.ServicePorts(config.Probes)) : null;
        using var engine = new WatchEngine(config, detection, loadDetection, new WatchStore(store), enforcement.Enforcer, time, log, metrics, notifier)
        {
            RecentAlerts = alerts,
            Capture = capture,
        };
        Volatile.Write(ref reloadable, engine);

        IAsyncDisposable? server = null;
        try
        {
            if ((config.Metrics is not null || config.Web.Enabled) && web is not null)
            {
                try
                {
                    server = await web(new WatchWebContext(config, metrics, engine, store.Path, log, time), stop.Token).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    throw new WatchStartException($"cannot serve metrics or the dashboard: {e.Message} (use --metrics HOST:PORT or off, --web HOST:PORT or off)", e);
                }
            }
            await using var control = Control.ControlServer.TryStart(config.Control, engine, log);
            await engine.RunAsync(sources, probes, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            if (server is not null)
            {
                await server.DisposeAsync().ConfigureAwait(false);
            }
            foreach (var (_, probe) in probes)
            {
                probe.Dispose();
            }
        }
    }
}
