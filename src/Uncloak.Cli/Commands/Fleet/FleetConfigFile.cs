using Uncloak.Config;

namespace Uncloak.Cli.Commands.Fleet;

/// <summary>The <c>fleet:</c> section every <c>uncloak fleet</c> verb connects with, read from <c>--config</c> or the default file.</summary>
internal static class FleetConfigFile
{
    /// <summary>The section, or null after telling <paramref name="error"/> why not (no such section, or a config error): exit 2.</summary>
    public static async Task<FleetConfig?> LoadAsync(string? path, string verb, TextWriter error)
    {
        try
        {
            var loaded = WatchConfigLoader.LoadFile(path ?? WatchConfig.DefaultPath, mustExist: path is not null);
            if (loaded.Fleet is null)
            {
                await error.WriteLineAsync($"uncloak fleet {verb}: {loaded.Origin} has no 'fleet:' section (docs/fleet.md)").ConfigureAwait(false);
            }
            return loaded.Fleet;
        }
        catch (ConfigException e)
        {
            await error.WriteLineAsync($"uncloak fleet {verb}: " + e.Message).ConfigureAwait(false);
            return null;
        }
    }
}
