using System.CommandLine;
using System.Globalization;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Incidents;

/// <summary>`uncloak incidents list`: every incident, oldest first, with its layer and bundle.</summary>
public static class IncidentsListCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var since = new Option<string?>("--since") { Description = "Only incidents that started in the last DURATION (30s, 10m, 1h, 7d) or since an RFC 3339 time.", HelpName = "WHEN" };
        var command = new Command("list",
            "List the captured incidents, oldest first: id, start, end (or 'open'), the probe that opened it, the layer named " +
            "first with its confidence, the summary, and the bundle's folder.\n\n" +
            "Exit codes: 0 shown, 2 bad option or config, 3 the store cannot be opened.\n\n" +
            "Examples:\n  uncloak incidents list --since 7d\n  uncloak incidents list --json | jq '.incidents[] | select(.layer != \"unknown\")'")
        {
            since,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            DateTime? from = null;
            if (result.GetValue(since) is { } when)
            {
                if (!TimeArgument.TryParseSince(when, DateTimeOffset.UtcNow, out var f))
                {
                    error.WriteLine($"uncloak incidents list: --since '{when}' is neither a duration (30s, 10m, 1h, 7d) nor an RFC 3339 time");
                    return ExitCodes.UsageOrInput;
                }
                from = f.UtcDateTime;
            }
            if (options.Open(result, error, "incidents list", out int failed) is not var (_, store))
            {
                return failed;
            }
            using (store)
            {
                var incidents = new IncidentStore(store).List(from);
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w => IncidentJson.WriteList(w, incidents));
                    return ExitCodes.Ok;
                }
                if (incidents.Count == 0)
                {
                    output.WriteLine("No incidents captured" + (from is null ? "." : " in that time."));
                    return ExitCodes.Ok;
                }
                foreach (var i in incidents)
                {
                    string end = i.End is { } e ? e.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "open";
                    string layer = i.Layer == Layer.Unknown ? "unknown" : string.Create(CultureInfo.InvariantCulture, $"{i.Layer.Name()} ({i.Confidence:0.00})");
                    output.WriteLine($"{i.Id}  {i.Start.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)} – {end}  {(i.Probe.Length > 0 ? i.Probe : "on demand")}  {layer}");
                    output.WriteLine($"    {i.Summary}");
                    output.WriteLine($"    {i.Bundle}");
                }
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
