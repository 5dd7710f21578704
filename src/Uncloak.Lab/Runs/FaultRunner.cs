using System.Diagnostics;
using System.Net;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Faults;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Topology;
using Uncloak.Lab.Victim;
using Uncloak.Linux.Forensics;

namespace Uncloak.Lab.Runs;

/// <summary>
/// Runs one fault on a fresh lab, always taken down after: the victim, the outside relay, and the real daemon
/// (<see cref="WatchDaemon"/>, shipped defaults plus the lab's probes, <see cref="LabConfig.RenderWithProbes"/>) in the
/// server namespace; the fault is held, then the outage the daemon opened, its verdict and its bundle are read from its
/// store. The bundle is copied out (the daemon's directory is removed with it) and localized again from the copy.
/// </summary>
public static class FaultRunner
{
    /// <summary>How long the daemon outlives the plan at most before it stops by itself.</summary>
    private static readonly TimeSpan DaemonSlack = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan ClientInterval = TimeSpan.FromMilliseconds(100), ClientTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The clients' availability during a fault is counted from this long after it was applied.</summary>
    private static readonly TimeSpan ClientSettle = TimeSpan.FromSeconds(1);

    /// <summary>How often the daemon's store is read while waiting for the outage to close.</summary>
    private static readonly TimeSpan StorePoll = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs <paramref name="plan"/> on the lab <paramref name="names"/>; the bundle is copied to <paramref name="bundles"/>
    /// as <c>lab-FAULT</c> (replacing an older copy). A run whose daemon opened no outage, or whose bundle is missing, is a
    /// result with a note, not an error; a lab that cannot be built or a daemon that fails throws <see cref="LabException"/>.
    /// </summary>
    public static async Task<FaultResult> RunAsync(LabNames names, FaultPlan plan, string bundles, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(plan);
        LabTopology.Up(names);
        try
        {
            await using var victim = await KestrelVictim.StartAsync(names.Server, 16, cancel);
            await using var monitor = OutsideMonitor.Start(names);
            await using var daemon = await WatchDaemon.StartAsync(names, plan.Warmup + plan.Hold + plan.Tail + DaemonSlack, LabConfig.RenderWithProbes, cancel);
            // The server's clients: a request every 100 ms from beyond the router for the whole run, the traffic a fault
            // takes away (a tiny shaper only hurts a server that has traffic); their availability is reported beside the verdict.
            var client = new ClientProbe(names.Client, new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort), ClientInterval, ClientTimeout);
            var clock = Stopwatch.StartNew();
            var clients = client.RunAsync(plan.Warmup + plan.Hold + ClientTimeout, cancel);
            await Task.Delay(plan.Warmup, cancel);
            var faultAt = clock.Elapsed;
            var (from, to) = await FaultRun.HoldAsync(LabFaults.Create(plan.Fault), names, plan.Hold, cancel);
            var samples = await clients;

            // The outage closes once the service answers again and the end capture is stored; bounded by the tail.
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < plan.Tail && Outage(daemon.Incidents(), from) is not { End: not null })
            {
                await Task.Delay(StorePoll, cancel);
            }
            await daemon.StopAsync();
            var during = samples.Where(s => s.At >= faultAt + ClientSettle && s.At < faultAt + plan.Hold - ClientTimeout).ToList();
            var result = new FaultResult(plan.Fault, from, to)
            {
                ClientsBefore = ProbeSummary.Of([.. samples.Where(s => s.At < faultAt)]).Availability,
                ClientsDuring = ProbeSummary.Of(during).Availability,
            };
            if (Outage(daemon.Incidents(), from) is not { } incident)
            {
                return result with { Note = "the daemon opened no outage while the fault lasted" };
            }
            result = result with
            {
                OutageStart = incident.Start, OutageEnd = incident.End, Layer = incident.Layer, Confidence = incident.Confidence,
                Layers = incident.Layers, Summary = incident.Summary,
                Note = incident.End is null ? $"the outage had not closed {plan.Tail.TotalSeconds:0} s after the fault" : "",
            };
            if (!Directory.Exists(incident.Bundle))
            {
                return result with { Note = "the incident's bundle is missing: " + incident.Bundle };
            }
            string copy = Path.Combine(bundles, "lab-" + plan.Fault.Name());
            if (Directory.Exists(copy))
            {
                Directory.Delete(copy, recursive: true);
            }
            CopyTree(incident.Bundle, copy);
            try
            {
                return result with { Bundle = copy, Reanalyzed = Reanalyze(copy) };
            }
            catch (BundleException e)
            {
                return result with { Bundle = copy, Note = "the copied bundle cannot be read: " + e.Message };
            }
        }
        finally
        {
            LabTopology.Down(names);
        }
    }

    /// <summary>The service probe's first outage that opened after the fault was applied.</summary>
    private static Incident? Outage(IReadOnlyList<Incident> incidents, DateTime faultFrom)
        => incidents.Where(i => i.Probe == LabConfig.ServiceProbe && i.Start >= faultFrom.AddSeconds(-1)).OrderBy(i => i.Start).FirstOrDefault();

    /// <summary>The bundle read from disk and localized as <c>uncloak analyze BUNDLE</c> does, with nothing of the daemon's memory.</summary>
    private static Layer Reanalyze(string folder)
    {
        var bundle = BundleReader.Read(folder);
        return Localizer.Localize(BundleEvidence.Read(bundle.Files, bundle.Manifest.Start)).Layer;
    }

    private static void CopyTree(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
        foreach (var dir in Directory.EnumerateDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}
