using System.CommandLine;
using Uncloak.Config;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>What the incidents verbs share: the config (naming the store and the forensics folder), --db, --json.</summary>
public sealed class IncidentsOptions
{
    public Option<string?> Db { get; } = new("--db") { Description = "The store (default: the config's 'store', else /var/lib/uncloak/uncloak.db as root).", HelpName = "PATH" };

    public Option<string?> Config { get; } = new("--config") { Description = "Daemon configuration naming the store and 'forensics' (default: /etc/uncloak/uncloak.yaml; absent means defaults).", HelpName = "FILE" };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output (schema uncloak.incidents/1)." };

    public void AddTo(Command command, bool json = true)
    {
        command.Add(Db);
        command.Add(Config);
        if (json)
        {
            command.Add(Json);
        }
    }

    /// <summary>
    /// The config and its store, opened; null after writing why to <paramref name="error"/>, with the exit code (2 for a
    /// bad config, 3 for a store that cannot be opened).
    /// </summary>
    public (WatchConfig Config, SqliteStore Store)? Open(ParseResult result, TextWriter error, string verb, out int exitCode)
    {
        exitCode = ExitCodes.UsageOrInput;
        WatchConfig config;
        try
        {
            config = WatchConfigLoader.LoadFile(result.GetValue(Config) ?? WatchConfig.DefaultPath, mustExist: result.GetValue(Config) is not null);
        }
        catch (ConfigException e)
        {
            foreach (var err in e.Errors)
            {
                error.WriteLine($"uncloak {verb}: {err}");
            }
            return null;
        }
        try
        {
            var store = SqliteStore.Open(result.GetValue(Db) ?? config.Store ?? SqliteStore.DefaultPath());
            exitCode = ExitCodes.Ok;
            return (config, store);
        }
        catch (StoreException e)
        {
            error.WriteLine($"uncloak {verb}: {e.Message}");
            exitCode = ExitCodes.Environment;
            return null;
        }
    }
}
