using System.CommandLine;
using Uncloak.Store;

namespace Uncloak.Cli.Commands.Storage;

/// <summary>`uncloak store check`: SQLite's integrity check of the store file, read only.</summary>
public static class StoreCheckCommand
{
    /// <summary>SQLite stops after this many problems; the first ones are enough to decide.</summary>
    private const int MaxProblems = 100;

    public static Command Create()
    {
        var json = CommonOptions.Json();
        var db = CommonOptions.Db();
        var command = new Command("check",
            "Run SQLite's full integrity check (every page, record and index) on the store, read only, and list what is damaged.\n\n" +
            "Exit codes: 0 sound, 1 damaged (run 'uncloak store recover'), 3 no store or it cannot be opened.\n\n" +
            "Example:\n  uncloak store check --db /var/lib/uncloak/uncloak.db")
        {
            json, db,
        };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string path = result.GetValue(db) ?? SqliteStore.DefaultPath();
            List<string> problems;
            try
            {
                problems = StoreRecovery.Check(path, MaxProblems);
            }
            catch (StoreException e)
            {
                error.WriteLine($"uncloak store check: {e.Message}");
                return ExitCodes.Environment;
            }
            if (result.GetValue(json))
            {
                WriteJson(output, path, problems);
            }
            else if (problems.Count == 0)
            {
                output.WriteLine($"{path}: sound (SQLite integrity_check: ok)");
            }
            else
            {
                output.WriteLine($"{path}: DAMAGED, {problems.Count}{(problems.Count >= MaxProblems ? "+" : "")} problem(s):");
                foreach (var p in problems)
                {
                    output.WriteLine("  " + p);
                }
                output.WriteLine($"Salvage what is readable with: uncloak store recover --db {path}");
            }
            return problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }

    private static void WriteJson(TextWriter output, string path, List<string> problems)
    {
        Rendering.JsonOutput.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.store.check/1");
            w.WriteString("path", path);
            w.WriteBoolean("sound", problems.Count == 0);
            w.WriteStartArray("problems");
            problems.ForEach(w.WriteStringValue);
            w.WriteEndArray();
            w.WriteEndObject();
        });
    }
}
