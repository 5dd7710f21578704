using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Store.Watch;

namespace Uncloak.Fleet.Evidence;

/// <summary>
/// What this host's store says that the evidence stream does not know yet: every outage (opened, then ended) and, per
/// peer and scenario, a summary of the alerts the watch engine acted on. The store is the outbox, as for decisions: a
/// record that failed to publish is still different from what was published, so the next round sends it again. Not
/// thread-safe.
/// </summary>
public sealed class EvidenceOutbox
{
    private readonly string _host;
    private readonly IReadOnlyDictionary<string, string> _crossProbes;
    private readonly Dictionary<string, EvidenceRecord> _published = new(StringComparer.Ordinal);

    /// <param name="host">This host's fleet name.</param>
    /// <param name="crossProbes">This host's cross-probes: probe name → the other host's service it checks (<c>HOST/PROBE</c>).</param>
    public EvidenceOutbox(string host, IReadOnlyDictionary<string, string> crossProbes)
    {
        _host = host;
        _crossProbes = crossProbes;
    }

    /// <summary>The records (by subject) that differ from what was last published.</summary>
    public List<KeyValuePair<string, EvidenceRecord>> Changes(IReadOnlyList<Outage> outages, IReadOnlyList<ActionRecord> actions, IReadOnlyList<Incident> incidents)
    {
        var now = new Dictionary<string, EvidenceRecord>(StringComparer.Ordinal);
        foreach (var o in outages)
        {
            now[FleetEvidence.Subject(_host, EvidenceRecord.Outage, o.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))] = new EvidenceRecord
            {
                Kind = EvidenceRecord.Outage, Host = _host, Probe = o.Probe, Of = _crossProbes.GetValueOrDefault(o.Probe), Start = o.Start, End = o.End, Cause = o.Cause,
            };
        }
        foreach (var i in incidents)
        {
            now[FleetEvidence.Subject(_host, EvidenceRecord.Incident, i.Id)] = new EvidenceRecord
            {
                Kind = EvidenceRecord.Incident, Host = _host, IncidentId = i.Id, Probe = i.Probe, Start = i.Start, End = i.End,
                Layer = i.Layer.Name(), Confidence = i.Confidence, Summary = i.Summary,
            };
        }
        // Actions on a peer are what its alerts led to (ban, kill, alert): one summary per peer and scenario.
        foreach (var g in actions.Where(a => a.Target.Length > 0).GroupBy(a => (a.Target, a.Scenario)))
        {
            now[FleetEvidence.Subject(_host, EvidenceRecord.Peer, g.Key.Target + "." + g.Key.Scenario)] = new EvidenceRecord
            {
                Kind = EvidenceRecord.Peer, Host = _host, PeerAddress = g.Key.Target, Scenario = g.Key.Scenario,
                Alerts = g.Count(), First = g.Min(a => a.Time), Last = g.Max(a => a.Time),
            };
        }
        return now.Where(p => !_published.TryGetValue(p.Key, out var old) || old != p.Value).ToList();
    }

    /// <summary>Records that <paramref name="record"/> is on the stream under <paramref name="subject"/>.</summary>
    public void Done(string subject, EvidenceRecord record) => _published[subject] = record;
}
