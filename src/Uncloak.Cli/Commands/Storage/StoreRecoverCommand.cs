using System.CommandLine;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>`uncloak store recover`: salvage a damaged store into a new file, keeping the damaged one.</summary>
public static class StoreRecoverCommand
{
    public static Command Create()
    {
        var json = CommonOptions.Json();
        var db = CommonOptions.Db();
        var command = new Command("recover",
            "Salvage a damaged store: every table is copied row by row into a new file as far as its pages can be read (a table " +
            "broken mid-way is read again from its other end, so only the rows on broken pages are lost). The new file takes the " +
            "store's name; the damaged one is kept as PATH.damaged-<UTC time> (with its -wal and -shm). Stop 'uncloak watch' first. " +
            "Bans in the kernel are not touched; run 'uncloak bans sync' afterwards to make the kernel match the recovered store.\n\n" +
            "Exit codes: 0 recovered, 1 recovered but rows were lost on damaged pages, 3 no store, or the new file cannot be written " +
            "(then nothing was renamed).\n\n" +
            "Example:\n  uncloak store recover --db /var/lib/uncloak/uncloak.db && uncloak bans sync")
        {
            json, db,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string path = result.GetValue(db) ?? SqliteStore.DefaultPath();
            StoreRecovery.Result outcome;
            try
            {
                outcome = StoreRecovery.Recover(path, DateTimeOffset.UtcNow);
            }
            catch (Exception e) when (e is StoreException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"uncloak store recover: {e.Message}");
                return ExitCodes.Environment;
            }
            bool lost = outcome.Tables.Any(t => t.Damaged);
            if (result.GetValue(json))
            {
                WriteJson(output, path, outcome);
            }
            else
            {
                output.WriteLine($"recovered {path}; the damaged file is kept as {outcome.KeptAs}");
                foreach (var t in outcome.Tables)
                {
                    output.WriteLine($"  {t.Table,-16} {t.Rows,10} rows{(t.Damaged ? "  (damaged pages: rows on them are lost)" : "")}");
                }
                output.WriteLine(outcome.CheckAfter.Count == 0 ? "the new store is sound." : "the new store is NOT sound: " + string.Join("; ", outcome.CheckAfter));
                output.WriteLine("Next: 'uncloak bans sync' makes the kernel match the recovered bans.");
            }
            return lost || outcome.CheckAfter.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, string path, StoreRecovery.Result outcome)
    {
        Rendering.JsonOutput.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.store.recover/1");
            w.WriteString("path", path);
            w.WriteString("kept_as", outcome.KeptAs);
            w.WriteStartArray("tables");
            foreach (var t in outcome.Tables)
            {
                w.WriteStartObject();
                w.WriteString("table", t.Table);
                w.WriteNumber("rows", t.Rows);
                w.WriteBoolean("damaged", t.Damaged);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("sound_after", outcome.CheckAfter.Count == 0);
            w.WriteEndObject();
        });
    }
}
