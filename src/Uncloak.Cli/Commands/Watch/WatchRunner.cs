using Uncloak.Config;
using Uncloak.Store;
using Uncloak.Daemon;
using Uncloak.Daemon.Logging;
using Uncloak.Web;

namespace Uncloak.Cli.Commands.Watch;

/// <summary>`uncloak watch`: the config with the command line's overrides, the store, then the daemon (<see cref="WatchHost"/>) until SIGTERM.</summary>
public static class WatchRunner
{
    /// <summary>Runs the daemon until <paramref name="cancel"/> or SIGTERM; error lines start with <paramref name="program"/>
    /// (<c>uncloak watch</c>, or <c>uncloakd</c> when that binary runs it).</summary>
    public static async Task<int> RunAsync(WatchOptions options, TextWriter output, TextWriter error, CancellationToken cancel, string program = "uncloak watch")
    {
        var log = new WatchLog(error) { Verbose = options.Verbose };
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
                error.WriteLine(program + ": " + err);
            }
            return ExitCodes.UsageOrInput;
        }

        // Held until the store is closed: a second SIGTERM while the daemon shuts down must not kill it mid-close.
        using var signals = new StopSignals(cancel);
        SqliteStore store;
        try
        {
            store = SqliteStore.Open(options.DbPath ?? config.Store ?? SqliteStore.DefaultPath());
        }
        catch (StoreException e)
        {
            error.WriteLine(program + ": " + e.Message);
            return ExitCodes.Environment;
        }
        using (store)
        {
            try
            {
                await WatchHost.RunAsync(config, detection, loadDetection, store, log, StartWebAsync, signals.Token).ConfigureAwait(false);
            }
            catch (WatchStartException e)
            {
                error.WriteLine(program + ": " + e.Message);
                return ExitCodes.Environment;
            }
        }
        return ExitCodes.Ok;
    }

    private static async Task<IAsyncDisposable> StartWebAsync(WatchWebContext context, CancellationToken cancel)
        => await MetricsServer.StartAsync(context, cancel).ConfigureAwait(false);
}
