using System.CommandLine;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>`uncloak incidents export ID`: the bundle as one .tar.zst file for a ticket or another machine.</summary>
public static class IncidentsExportCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var id = new Argument<string>("id") { Description = "The incident's id (from 'incidents list')." };
        var outFile = new Option<string?>("--out", "-o") { Description = "The archive to write (default: ID.tar.zst in the current folder).", HelpName = "FILE.tar.zst" };
        var command = new Command("export",
            "Write an incident's bundle as one file, FILE.tar.zst (tar, zstd-compressed, 0600), to attach to a ticket or copy to " +
            "another machine, where 'uncloak analyze FILE.tar.zst' reads it (bounded extraction: only the bundle's own files, no " +
            "links, no paths outside it) and gives the same verdict. The bundle may hold addresses: share it with care.\n\n" +
            "Exit codes: 0 written, 2 no such incident or its bundle is gone, 3 the store or the file cannot be opened.\n\n" +
            "Example:\n  uncloak incidents export 20261203T170001Z-site -o /tmp/outage.tar.zst")
        {
            id, outFile,
        };
        options.AddTo(command, json: false);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string wanted = result.GetValue(id)!;
            string target = result.GetValue(outFile) ?? wanted + BundleArchive.Extension;
            if (!target.EndsWith(BundleArchive.Extension, StringComparison.Ordinal))
            {
                error.WriteLine($"uncloak incidents export: --out must end in {BundleArchive.Extension}");
                return ExitCodes.UsageOrInput;
            }
            if (options.Open(result, error, "incidents export", out int failed) is not var (_, store))
            {
                return failed;
            }
            using (store)
            {
                if (new IncidentStore(store).Get(wanted) is not { } incident)
                {
                    error.WriteLine($"uncloak incidents export: no incident '{wanted}' ('uncloak incidents list' shows them)");
                    return ExitCodes.UsageOrInput;
                }
                if (!BundleReader.IsBundle(incident.Bundle))
                {
                    error.WriteLine($"uncloak incidents export: the bundle {incident.Bundle} is gone (pruned or removed)");
                    return ExitCodes.UsageOrInput;
                }
                try
                {
                    BundleArchive.Export(incident.Bundle, target);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak incidents export: cannot write {target}: {e.Message}");
                    return ExitCodes.Environment;
                }
                output.WriteLine($"{target}: incident {incident.Id} ({new FileInfo(target).Length:N0} bytes)");
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
