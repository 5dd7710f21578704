using System.CommandLine;
using System.CommandLine.Parsing;
using Uncloak.Config;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>What the store verbs share: which store, which config names it (and its retention limits), --json.</summary>
public sealed class StoreOptions
{
    public Option<string?> Db { get; } = new("--db") { Description = "The store (default: the config's 'store', else /var/lib/uncloak/uncloak.db as root).", HelpName = "PATH" };

    public Option<string?> Config { get; } = new("--config") { Description = "Daemon configuration naming the store and the retention limits (default: /etc/uncloak/uncloak.yaml; absent means defaults).", HelpName = "FILE" };

    public Option<bool> Json { get; } = new("--json") { Description = "Machine-readable output." };

    public void AddTo(Command command)
    {
        command.Add(Db);
        command.Add(Config);
        command.Add(Json);
    }

    /// <summary>The daemon configuration, or null after writing its errors (FILE:LINE:COL) to <paramref name="error"/>.</summary>
    private WatchConfig? LoadConfig(ParseResult result, TextWriter error, string verb)
    {
        try
        {
            return WatchConfigLoader.LoadFile(result.GetValue(Config) ?? WatchConfig.DefaultPath, mustExist: result.GetValue(Config) is not null);
        }
        catch (ConfigException e)
        {
            foreach (var err in e.Errors)
            {
                error.WriteLine($"uncloak store {verb}: {err}");
            }
            return null;
        }
    }

    /// <summary>
    /// The config and the store it names (or --db), opened; null after writing why to <paramref name="error"/>, with the
    /// exit code: 2 for a bad config, 3 for a store that cannot be opened.
    /// </summary>
    public (WatchConfig Config, SqliteStore Store)? Open(ParseResult result, TextWriter error, string verb, out int exitCode)
    {
        exitCode = ExitCodes.UsageOrInput;
        if (LoadConfig(result, error, verb) is not { } config)
        {
            return null;
        }
        try
        {
            exitCode = ExitCodes.Ok;
            return (config, SqliteStore.Open(result.GetValue(Db) ?? config.Store ?? SqliteStore.DefaultPath()));
        }
        catch (StoreException e)
        {
            error.WriteLine($"uncloak store {verb}: {e.Message}");
            exitCode = ExitCodes.Environment;
            return null;
        }
    }
}
