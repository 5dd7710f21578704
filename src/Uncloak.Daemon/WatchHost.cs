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
/// (<see cref="HostEnforcement"/>), alerts, sd_notify, the web side, and the process signals the daemon owns (SIGTERM and
/// SIGINT stop, SIGHUP reloads); then the engine until stopped. The CLI only parses arguments and loads the config.
/// </summary>
public static class WatchHost
{
    /// <summary>
    /// Starts the HTTP side (<c>/metrics</c>, <c>/healthz</c>) on <paramref name="host"/>:<paramref name="port"/> and
    /// returns it with the address it listens on; throws <see cref="IOException"/> when the address cannot be bound.
    /// Supplied by the caller because the web host (Uncloak.Web) sits above the daemon.
    /// </summary>
    public delegate Task<(IAsyncDisposable Server, string Address)> WebStarter(string host, int port, WatchMetrics metrics, CancellationToken cancel);

    /// <summary>
    /// Runs until <paramref name="cancel"/> or a stop signal. Throws <see cref="WatchStartException"/> when the web side
    /// cannot start (nothing was read yet).
    /// </summary>
    public static async Task RunAsync(WatchConfig config, DetectionConfig detection, Func<DetectionConfig> loadDetection, SqliteStore store, WatchLog log,
        WebStarter? web, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        var time = TimeProvider.System;
        var metrics = new WatchMetrics { Version = WatchEngine.Version };
        using var notifier = new SystemdNotifier();
        await using var alerts = new AlertDispatcher(config.Alerts, log, metrics);
        var sources = SourceFactory.Create(config, time);
        var probes = ProbeFactory.Create(config);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        using var enforcement = HostEnforcement.Open(config, store, time, alerts, log);
        // Captures run beside the engine and finish their queue after it stops (an outage's end bundle is worth the wait).
        await using var capture = config.Forensics.Capture && config.Probes.Count > 0 ? new Forensics.IncidentCaptureService(config.Forensics, config.Forensics.DirectoryFor(store.Path), time) : null;
        var engine = new WatchEngine(config, detection, loadDetection, new WatchStore(store), enforcement.Enforcer, time, log, metrics, notifier)
        {
            RecentAlerts = alerts,
            Capture = capture,
        };
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; engine.RequestReload(); });

        IAsyncDisposable? server = null;
        try
        {
            if (config.Metrics is not null && web is not null)
            {
                WatchConfigLoader.TrySplitHostPort(config.Metrics, out var host, out int port);
                try
                {
                    (server, string address) = await web(host, port, metrics, stop.Token).ConfigureAwait(false);
                    log.MetricsServing(address);
                }
                catch (IOException e)
                {
                    throw new WatchStartException($"cannot serve metrics on {config.Metrics}: {e.Message} (use --metrics HOST:PORT or --metrics off)", e);
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
