using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Linux.Forensics;
using Uncloak.Store;
using Uncloak.Store.Incidents;
using Uncloak.Store.Watch;

namespace Uncloak.Cli.Commands.Report;

/// <summary>The incident of each probe outage, looked up by the outage's row and, for JSON and HTML, with its bundle read again for the evidence.</summary>
internal static class OutageIncidents
{
    /// <summary>
    /// The first incident captured for each outage (a daemon restarted during an outage may have opened a second).
    /// With <paramref name="readBundles"/> each bundle is read and localized again, as <c>incidents show</c> does; a
    /// bundle that is gone or damaged gives its row with the problem, never an exception.
    /// </summary>
    public static Dictionary<OutageSpan, OutageIncident> Of(SqliteStore store, IReadOnlyList<Outage> outages, bool readBundles)
    {
        var incidents = new IncidentStore(store);
        var result = new Dictionary<OutageSpan, OutageIncident>();
        foreach (var o in outages)
        {
            if (incidents.OfOutage(o.Id) is [var incident, ..])
            {
                result.TryAdd(new OutageSpan(o.Probe, o.Start, o.End, o.Cause, o.Detail), readBundles ? Read(incident) : OutageIncident.Of(incident));
            }
        }
        return result;
    }

    private static OutageIncident Read(Incident incident)
    {
        try
        {
            var bundle = BundleReader.Read(incident.Bundle);
            var evidence = BundleEvidence.Read(bundle.Files, bundle.Manifest.Start);
            return new OutageIncident(incident, ForensicSource.Of([incident.Bundle], bundle.Manifest, evidence, bundle.Problems).Verdict, bundle.Problems);
        }
        catch (BundleException e)
        {
            // Pruned by retention, or damaged: the report still shows the stored verdict, and says why the evidence is missing.
            return new OutageIncident(incident, null, [e.Message]);
        }
    }
}
