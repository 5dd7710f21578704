using System.CommandLine;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>`uncloak incidents show ID`: one incident with the evidence and reasoning of its bundle, read again.</summary>
public static class IncidentsShowCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var id = new Argument<string>("id") { Description = "The incident's id (from 'incidents list')." };
        var command = new Command("show",
            "Show one incident: its row, and its bundle read again and localized — the layers in rank order, the evidence " +
            "(counter deltas, qdisc and NIC statistics, kernel lines, probe results) and the reasoning in words, the wire analysis " +
            "of its packet ring (packets.pcapng: packets, flows, zero-window holders, floods) and its files. The bundle is " +
            "checked against its manifest first; files that fail are named.\n\n" +
            "Exit codes: 0 shown, 2 no such incident or a damaged bundle, 3 the store cannot be opened.\n\n" +
            "Example:\n  uncloak incidents show 20261203T170001Z-site --json | jq .incidents[0].evidence")
        {
            id,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            string wanted = result.GetValue(id)!;
            if (options.Open(result, error, "incidents show", out int failed) is not var (_, store))
            {
                return failed;
            }
            using (store)
            {
                if (new IncidentStore(store).Get(wanted) is not { } incident)
                {
                    error.WriteLine($"uncloak incidents show: no incident '{wanted}' ('uncloak incidents list' shows them)");
                    return ExitCodes.UsageOrInput;
                }
                var problems = new List<string>();
                Verdict? verdict = null;
                ForensicSource? source = null;
                try
                {
                    var bundle = BundleReader.Read(incident.Bundle);
                    problems.AddRange(bundle.Problems);
                    source = ForensicSource.OfBundle(incident.Bundle, bundle.Manifest, bundle.Files, bundle.Problems);
                    verdict = source.Verdict;
                }
                catch (BundleException e)
                {
                    problems.Add(e.Message);
                }
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w => IncidentJson.WriteShow(w, incident, verdict, problems, source));
                }
                else if (source is not null)
                {
                    Rendering.VerdictRenderer.Render(output, [source]);
                }
                else
                {
                    output.WriteLine($"{incident.Id}: {incident.Layer.Name()} — {incident.Summary}");
                }
                foreach (var problem in problems)
                {
                    error.WriteLine($"uncloak incidents show: {problem}");
                }
                return problems.Count > 0 ? ExitCodes.UsageOrInput : ExitCodes.Ok;
            }
        });
        return command;
    }
}
