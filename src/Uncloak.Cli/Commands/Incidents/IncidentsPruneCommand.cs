using System.CommandLine;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>`uncloak incidents prune`: the retention the daemon applies after each capture, now.</summary>
public static class IncidentsPruneCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var keep = new Option<int?>("--keep") { Description = "Bundles kept at most (default: the config's forensics keep, 50).", HelpName = "N" };
        var command = new Command("prune",
            "Remove the oldest incident bundles beyond the limits (the config's forensics 'keep' and 'max_bytes', or --keep), " +
            "with their rows; and the rows whose bundle is already gone. The daemon does the same after each capture.\n\n" +
            "Exit codes: 0 done, 2 bad option or config, 3 the store or the folder cannot be changed.\n\n" +
            "Example:\n  uncloak incidents prune --keep 10 --json")
        {
            keep,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (result.GetValue(keep) is < 0)
            {
                error.WriteLine("uncloak incidents prune: --keep must be 0 or more");
                return ExitCodes.UsageOrInput;
            }
            if (options.Open(result, error, "incidents prune", out int failed) is not var (config, store))
            {
                return failed;
            }
            using (store)
            {
                string dir = config.Forensics.DirectoryFor(store.Path);
                var incidents = new IncidentStore(store);
                IReadOnlyList<string> removed;
                try
                {
                    removed = IncidentRetention.Prune(dir, result.GetValue(keep) ?? config.Forensics.Keep, config.Forensics.MaxBytes);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak incidents prune: cannot prune {dir}: {e.Message}");
                    return ExitCodes.Environment;
                }
                var orphans = incidents.List().Where(i => !BundleReader.IsBundle(i.Bundle)).Select(i => i.Id).Except(removed).ToList();
                int rows = incidents.Delete(removed.Concat(orphans));
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w =>
                    {
                        w.WriteStartObject();
                        w.WriteString("schema", "uncloak.incidents.prune/1");
                        w.WriteString("dir", dir);
                        Core.Reports.JsonWriting.WriteStrings(w, "removed", removed);
                        Core.Reports.JsonWriting.WriteStrings(w, "orphans", orphans);
                        w.WriteNumber("rows", rows);
                        w.WriteEndObject();
                    });
                }
                else
                {
                    output.WriteLine($"Removed {removed.Count} bundle(s) from {dir} and {rows} row(s)" + (orphans.Count > 0 ? $" ({orphans.Count} whose bundle was already gone)." : "."));
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
