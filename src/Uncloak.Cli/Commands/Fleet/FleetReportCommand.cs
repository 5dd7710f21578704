using System.CommandLine;
using NATS.Client.Core;
using Uncloak.Cli.Rendering;
using Uncloak.Config;
using Uncloak.Fleet;
using Uncloak.Fleet.Evidence;

namespace Uncloak.Cli.Commands.Fleet;

/// <summary>`uncloak fleet report`: every host's outages and peer alerts from the evidence stream, on one timeline.</summary>
public static class FleetReportCommand
{
    public static Command Create()
    {
        var config = new Option<string?>("--config") { Description = "Daemon configuration with the 'fleet:' section (default: /etc/uncloak/uncloak.yaml).", HelpName = "FILE" };
        var json = CommonOptions.Json();
        var command = new Command("report",
            "Put the outages and per-peer alert summaries every host published (the evidence stream, kept 7 days) on one " +
            "timeline, and say what they mean together: outages on several hosts at once are a shared upstream or a common " +
            "attacker, not one server's fault; one peer alerting on several hosts is an attacker working through the fleet. " +
            "--json gives \"schema\": \"uncloak.fleet.report/1\".\n\n" +
            "Exit codes: 0 no outage shared by several hosts, 1 there is one (or a peer on several hosts, or a cross-probe finding), 2 no 'fleet:' " +
            "section or an invalid config, 3 the cluster cannot be reached or refused the credentials.\n\n" +
            "Examples:\n  sudo uncloak fleet report\n  sudo uncloak fleet report --json | jq '.findings[] | select(.kind == \"shared-outage\")'")
        {
            config, json,
        };
        command.SetAction(async (result, cancel) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var path = result.GetValue(config);
            if (await FleetConfigFile.LoadAsync(path, "report", error).ConfigureAwait(false) is not { } fleet)
            {
                return ExitCodes.UsageOrInput;
            }
            IReadOnlyList<EvidenceRecord> records;
            int skipped;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(TimeSpan.FromSeconds(30));
                (records, skipped) = await FleetEvidence.ReadAsync(fleet, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is NatsException or TimeoutException or OperationCanceledException)
            {
                await error.WriteLineAsync($"uncloak fleet report: cannot read the fleet's evidence from {fleet.ServersShown}: {FleetConnection.Describe(e)}").ConfigureAwait(false);
                return ExitCodes.Environment;
            }
            var report = FleetEvidence.Timeline(records, DateTime.UtcNow);
            if (result.GetValue(json))
            {
                FleetReportRenderer.ReportJson(output, report, skipped);
            }
            else
            {
                FleetReportRenderer.Report(output, report);
                if (skipped > 0)
                {
                    await error.WriteLineAsync($"uncloak fleet report: {skipped} unreadable or forged record(s) skipped").ConfigureAwait(false);
                }
            }
            return report.Findings.Any(f => f.Kind != Core.Forensics.Fleet.FleetFindingKind.LoneOutage) ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }
}
