using System.Runtime.InteropServices;
using Uncloak.Config;
using Uncloak.Core.Decisions;
using Uncloak.Core.Signals;
using Uncloak.Firewall;
using Uncloak.Firewall.Host;
using Uncloak.Firewall.Nftables;
using Uncloak.Linux.Sockets;
using Uncloak.Linux.Probes;
using Uncloak.Linux.Sources;
using Uncloak.Store;
using Uncloak.Store.Watch;
using Uncloak.Daemon;
using Uncloak.Daemon.Alerts;
using Uncloak.Daemon.Enforcement;
using Uncloak.Daemon.Logging;
using Uncloak.Daemon.Metrics;
using Uncloak.Daemon.Systemd;
using Uncloak.Web;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>The live daemon: config, store, sources, probes, metrics, signals; then the engine until SIGTERM.</summary>
public static class WatchRunner
{
    public static async Task<int> RunAsync(WatchOptions options, TextWriter output, TextWriter error, CancellationToken cancel)
    {
        var log = new WatchLog(error) { Verbose = options.Verbose };
        var time = TimeProvider.System;
        string configPath = options.ConfigPath ?? WatchConfig.DefaultPath;
        WatchConfig config;
        DetectionConfig detection;
        Func<DetectionConfig> loadDetection;
        try
        {
            config = WatchConfigLoader.LoadFile(configPath, mustExist: options.ConfigPath is not null);
            config = WatchOverrides.Apply(config, options);
            // A reload re-reads the scenario folders named by the config the daemon started with.
            var folders = WatchPaths.ScenarioFolders(config.ScenarioFolders, options.ExtraScenarios);
            loadDetection = () => ScenarioLoader.LoadFolders(folders);
            detection = loadDetection();
        }
        catch (ConfigException e)
        {
            foreach (var err in e.Errors)
            {
                error.WriteLine("uncloak watch: " + err);
            }
            return ExitCodes.UsageOrInput;
        }

        SqliteStore store;
        try
        {
            store = SqliteStore.Open(options.DbPath ?? config.Store ?? SqliteStore.DefaultPath());
        }
        catch (StoreException e)
        {
            error.WriteLine("uncloak watch: " + e.Message);
            return ExitCodes.Environment;
        }
        using var _store = store;
        var metrics = new WatchMetrics { Version = WatchEngine.Version };
        using var notifier = new SystemdNotifier();
        await using var alerts = new AlertDispatcher(config.Alerts, log, metrics);

        var sources = new List<LiveSource>();
        if (config.Kmsg)
        {
            sources.Add(new KmsgSource(time));
        }
        if (config.JournalKernel || config.JournalUnits.Count > 0)
        {
            sources.Add(new JournalSource(config.JournalKernel, config.JournalUnits, time));
        }
        if (config.SignalsInterval is { } every)
        {
            sources.Add(new HostSignalsSource(time, every, config.Counters));
        }
        foreach (var f in config.Files)
        {
            sources.Add(new FileTailSource(f.Path, time, fromStart: f.FromStart));
        }
        if (config.Capture is { } c)
        {
            sources.Add(new PacketCaptureSource(new CaptureSourceOptions
            {
                Interface = c.Interface,
                RingMegabytes = c.RingMegabytes,
                SnapLength = c.SnapLength,
                MaxPacketsPerSecond = c.MaxPacketsPerSecond,
                Wire = new Core.Wire.WireOptions
                {
                    MaxFlows = c.MaxFlows, ZeroWindowHold = c.ZeroWindowHold, SlowRead = c.SlowRead, TinyWindowBytes = c.TinyWindowBytes,
                    SynFloodSyns = c.SynFloodSyns, CountWindow = c.CountWindow,
                },
            }, time));
        }
        var probes = new List<(ProbeConfig, HealthProbe)>();
        foreach (var p in config.Probes)
        {
            string? host = null;
            int port = 0;
            if (p.Tcp is not null)
            {
                WatchConfigLoader.TrySplitHostPort(p.Tcp, out host, out port);
            }
            probes.Add((p, new HealthProbe(p.Name, p.Http, host, port, p.Timeout, p.ExpectStatus, p.ExpectBody)));
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var allow = config.Allowlist.Select(a => BanTarget.Parse(a)).ToList();
        var sockets = new HostActionExecutor(allow.Select(a => new PeerPrefix(a.Network, a.PrefixLength)));
        using var firewall = OpenFirewall(config, store, time, allow, sockets, log);
        var engine = new WatchEngine(config, detection, loadDetection, new WatchStore(store), (IActionExecutor?)firewall ?? sockets, time, log, metrics, alerts, notifier);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx => { ctx.Cancel = true; stop.Cancel(); });
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx => { ctx.Cancel = true; engine.RequestReload(); });

        MetricsServer? server = null;
        if (config.Metrics is not null)
        {
            WatchConfigLoader.TrySplitHostPort(config.Metrics, out var host, out int port);
            try
            {
                server = await MetricsServer.StartAsync(host, port, metrics, stop.Token).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                error.WriteLine($"uncloak watch: cannot serve metrics on {config.Metrics}: {e.Message} (use --metrics HOST:PORT or --metrics off)");
                return ExitCodes.Environment;
            }
            log.MetricsServing(server.Address);
        }
        await using var control = Uncloak.Daemon.Control.ControlServer.TryStart(config.Control, engine, log);
        try
        {
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
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The ban backend, reconciled with the store (a crash or reboot loses no ban, leaves none stale); null when the config
    /// says off, when simulating, or when no backend is installed (then bans are recorded only, and the log says so).
    /// </summary>
    private static FirewallActionExecutor? OpenFirewall(WatchConfig config, SqliteStore store, TimeProvider time, List<BanTarget> allow, HostActionExecutor sockets, WatchLog log)
    {
        if (config.Firewall == FirewallBackend.Off || config.Simulate)
        {
            return null;
        }
        IBanEnforcer enforcer;
        try
        {
            enforcer = BanEnforcers.Open(config.Firewall);
        }
        catch (FirewallException e)
        {
            log.BansRecordedOnly(e.Message);
            return null;
        }
        NftTableMonitor? monitor = null;
        if (enforcer is NftBanEnforcer)
        {
            try
            {
                monitor = NftTableMonitor.Start();
            }
            catch (FirewallException e)
            {
                log.FirewallUnwatched(e.Message);
            }
        }
        var executor = new FirewallActionExecutor(store, enforcer, time, HostFacts.Read(HostAddresses.Read(), allow), config.MaxBansPerMinute, sockets, monitor);
        try
        {
            var r = executor.Reconcile();
            log.BansReconciled(executor.Backend, r.Restored, r.Removed, r.Kept);
        }
        catch (FirewallException e)
        {
            log.BansNotReconciled(executor.Backend, e.Message);
        }
        return executor;
    }
}
