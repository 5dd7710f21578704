using System.CommandLine;
using Uncloak.Cli.Commands.Incidents;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Core.Reports;
using Uncloak.Linux.Forensics;
using Uncloak.Store.Incidents;

namespace Uncloak.Cli.Commands.Capture;

/// <summary>`uncloak capture`: an incident bundle of this host now, localized, as the daemon writes at an outage.</summary>
public static class CaptureCommand
{
    public static Command Create()
    {
        var options = new IncidentsOptions();
        var seconds = new Option<int>("--seconds", "-s")
        {
            Description = "Seconds between the baseline and the capture, so counters, qdisc drops and NIC errors show what grew meanwhile (0: totals since boot only).",
            DefaultValueFactory = _ => 5,
            HelpName = "N",
        };
        var outDir = new Option<string?>("--out", "-o") { Description = "Write the bundle folder under DIR instead of the incidents folder (then nothing is stored).", HelpName = "DIR" };
        var netns = new Option<string?>("--netns") { Description = "Capture the named network namespace (ip netns) instead of the host's.", HelpName = "NAME" };
        var command = new Command("capture",
            "Capture an incident bundle of this host now and say where a fault would be: a baseline (counters, qdiscs, links, NIC " +
            "statistics), N seconds, then the moment with the socket table (sock_diag with tcp_info), listener queues, counters, " +
            "sockstat, conntrack, softnet_stat, qdisc statistics (rtnetlink RTM_GETQDISC, written as tc -s qdisc text; tc only " +
            "when that fails), ip -s -s link, ip neigh, ip route and ethtool -S per interface. " +
            "The capture runs niced, each tool with a time limit, the bundle within the config's max_bundle_bytes. Without --out " +
            "the bundle goes to the incidents folder and into 'uncloak incidents'. Needs root.\n\n" +
            "Exit codes: 0 captured and nothing points at a layer, 1 captured and a layer is named, 2 bad option or config, " +
            "3 not root, or the store or folder cannot be written.\n\n" +
            "Examples:\n  uncloak capture --seconds 10\n  uncloak capture --out /tmp --json | jq .incidents[0].layer")
        {
            seconds, outDir, netns,
        };
        options.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            int wait = result.GetValue(seconds);
            if (wait is < 0 or > 3600)
            {
                error.WriteLine("uncloak capture: --seconds must be from 0 to 3600");
                return ExitCodes.UsageOrInput;
            }
            if (result.GetValue(netns) is { } ns && (ns.Length == 0 || ns.Contains('/', StringComparison.Ordinal) || ns.StartsWith('.')))
            {
                error.WriteLine($"uncloak capture: --netns '{ns}' is not a namespace name");
                return ExitCodes.UsageOrInput;
            }
            if (!Environment.IsPrivilegedProcess)
            {
                error.WriteLine("uncloak capture: needs root (the socket table of every user, conntrack and NIC statistics)");
                return ExitCodes.Environment;
            }
            if (options.Open(result, error, "capture", out int failed) is not var (config, store))
            {
                return failed;
            }
            using (store)
            {
                string? to = result.GetValue(outDir);
                string dir = to ?? config.Forensics.DirectoryFor(store.Path);
                var limits = new CaptureLimits { MaxBundleBytes = config.Forensics.MaxBundleBytes };
                var capture = new IncidentCapture(limits, TimeProvider.System, result.GetValue(netns));
                var start = DateTime.UtcNow;
                var incident = new Incident { Id = Incident.NewId(start, ""), Start = start };
                Verdict verdict;
                try
                {
                    PhaseSnapshot? before = null;
                    if (wait > 0)
                    {
                        before = capture.Snapshot(EvidencePhase.Before, sockets: false);
                        Thread.Sleep(TimeSpan.FromSeconds(wait)); // the interval the deltas cover, not a wait for a condition
                    }
                    var during = capture.Snapshot(EvidencePhase.During, sockets: true);
                    foreach (var problem in (before?.Problems ?? []).Concat(during.Problems))
                    {
                        error.WriteLine($"uncloak capture: not captured: {problem}");
                    }
                    (incident, verdict) = new IncidentRecorder(dir, limits).Open(incident, before, during, [], []);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"uncloak capture: {e.Message}");
                    return ExitCodes.Environment;
                }
                if (to is null)
                {
                    new IncidentStore(store).Save(incident);
                    var removed = IncidentRetention.Prune(dir, config.Forensics.Keep, config.Forensics.MaxBytes, spare: incident.Id);
                    new IncidentStore(store).Delete(removed);
                }
                if (result.GetValue(options.Json))
                {
                    Rendering.JsonOutput.Write(output, w => IncidentJson.WriteShow(w, incident, verdict, []));
                }
                else
                {
                    var bundle = BundleReader.Read(incident.Bundle);
                    Rendering.VerdictRenderer.Render(output, [ForensicSource.Of([incident.Bundle], bundle.Manifest, BundleEvidence.Read(bundle.Files, bundle.Manifest.Start), bundle.Problems)]);
                }
                return verdict.Layer == Layer.Unknown ? ExitCodes.Ok : ExitCodes.Findings;
            }
        });
        return command;
    }
}
