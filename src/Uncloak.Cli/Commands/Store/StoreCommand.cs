using System.CommandLine;

namespace Uncloak.Cli.Commands.Store;

/// <summary>`uncloak store`: look after the SQLite store (what it holds, pruning by the retention limits).</summary>
public static class StoreCommand
{
    public static Command Create() => new("store", "Look after the store: 'uncloak store stats', 'uncloak store prune'.")
    {
        StoreStatsCommand.Create(),
        StorePruneCommand.Create(),
    };
}
