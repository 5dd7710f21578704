using System.CommandLine;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>`uncloak store`: the noun (folder Storage, so the namespace does not hide Uncloak.Store); each verb lives in its own file.</summary>
public static class StoreCommand
{
    public static Command Create() => new("store",
        "Look after the SQLite store: what it holds (stats), pruning by the retention limits (prune), its integrity (check) " +
        "and salvaging a damaged one (recover).\n\n" +
        "Every command checks the store when it opens it (SQLite's quick_check) and refuses a damaged one with exit 3, " +
        "before reading or writing anything. 'store check' says what is damaged; 'store recover' copies every readable row " +
        "into a new file that takes the store's name, and keeps the damaged file beside it. Bans already in the kernel stay " +
        "in force all the while (each ends by its own timeout); 'uncloak bans sync' afterwards makes the kernel match the " +
        "recovered store.")
    {
        StoreStatsCommand.Create(),
        StorePruneCommand.Create(),
        StoreCheckCommand.Create(),
        StoreRecoverCommand.Create(),
    };
}
