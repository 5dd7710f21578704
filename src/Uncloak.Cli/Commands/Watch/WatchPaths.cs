namespace Uncloak.Cli.Commands.Watch;

/// <summary>Where shipped defaults live: next to the binary (the package copies config/scenarios there).</summary>
public static class WatchPaths
{
    public static string ShippedScenarios => Path.Combine(AppContext.BaseDirectory, "config", "scenarios");

    public static string ShippedUnit => Path.Combine(AppContext.BaseDirectory, "config", "uncloak.service");

    /// <summary>The scenario folders in override order: shipped, then the config's drop-ins, then command-line extras.</summary>
    public static IReadOnlyList<string> ScenarioFolders(IEnumerable<string> configured, IEnumerable<string> extra)
        => [ShippedScenarios, .. configured, .. extra];
}
