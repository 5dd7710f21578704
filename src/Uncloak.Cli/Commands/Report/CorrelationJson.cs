using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Store.Watch;

namespace Uncloak.Cli.Commands.Report;

/// <summary>
/// `uncloak report --json`: outages, what preceded them and, for those the daemon captured, their incident (layer,
/// confidence, ranked layers, summary, bundle, evidence, reasoning); the lift of each event kind; the daemon's decisions.
/// </summary>
internal sealed record CorrelationJson(
    string OutagesFrom,
    long WindowSeconds,
    CorrelationJson.TimeRange? History,
    IReadOnlyList<CorrelationJson.OutageEntry> Outages,
    IReadOnlyList<CorrelationJson.LiftEntry> Correlation,
    IReadOnlyList<CorrelationJson.DecisionEntry> Decisions)
{
    /// <summary>The document's shape and version, first so a script can check it before reading on.</summary>
    [System.Text.Json.Serialization.JsonPropertyOrder(-1)]
    public string Schema { get; } = "uncloak.report/1";

    public sealed record TimeRange(DateTime Start, DateTime End);

    public sealed record KindEntry(string Kind, long Count, double Expected, double Unusualness);

    /// <summary>An outage; <see cref="Incident"/> is null when no bundle was captured for it (added in uncloak.report/1 without a bump: keys are only ever added).</summary>
    public sealed record OutageEntry(string Probe, DateTime Start, DateTime? End, string Cause, string Detail, IReadOnlyList<KindEntry> Before, IncidentEntry? Incident);

    /// <summary>The outage's incident in the shape of <c>incidents show --json</c>; evidence and reasoning are empty when the bundle could not be read, and problems say why.</summary>
    public sealed record IncidentEntry(string Id, string Layer, double Confidence, IReadOnlyList<LayerEntry> Layers, string Summary, string Bundle,
        IReadOnlyList<EvidenceEntry> Evidence, IReadOnlyList<string> Reasoning, IReadOnlyList<string> Problems)
    {
        public static IncidentEntry From(OutageIncident found)
        {
            var i = found.Incident;
            return new(i.Id, i.Layer.Name(), Math.Round(i.Confidence, 3), [.. i.Layers.Select(l => new LayerEntry(l.Layer.Name(), Math.Round(l.Score, 3)))],
                i.Summary, i.Bundle, [.. (found.Verdict?.Evidence ?? []).Select(e => new EvidenceEntry(e.Kind, e.Text))], found.Verdict?.Reasoning ?? [], found.Problems);
        }
    }

    public sealed record LayerEntry(string Layer, double Score);

    public sealed record EvidenceEntry(string Kind, string Text);

    public sealed record LiftEntry(string Kind, int Preceded, int Outages, int OrdinaryWindowsWith, int OrdinaryWindows, double Lift, bool Related, string Sentence);

    public sealed record DecisionEntry(DateTime Time, string Scenario, string Profile, string Action, string Target, long DurationSeconds, bool Simulated, string Outcome);

    public static CorrelationJson From(CorrelationReport r, IReadOnlyList<ActionRecord> actions, bool fromLogs, Func<OutageSpan, OutageIncident?> incidentOf) => new(
        fromLogs ? "logs" : "probes",
        (long)r.Window.TotalSeconds,
        r.HistoryStart == default ? null : new TimeRange(r.HistoryStart, r.HistoryEnd), // no history yet: null, not year 1
        [.. r.Outages.Select(l => new OutageEntry(l.Outage.Probe, l.Outage.Start, l.Outage.End, l.Outage.Cause, l.Outage.Detail,
            [.. l.Kinds.Select(k => new KindEntry(k.Kind.Name(), k.Count, Math.Round(k.Expected, 3), Math.Round(k.Unusualness, 2)))],
            incidentOf(l.Outage) is { } found ? IncidentEntry.From(found) : null))],
        [.. r.Lifts.Select(l => new LiftEntry(l.Kind.Name(), l.Preceded, l.Outages, l.OrdinaryWindowsWith, l.OrdinaryWindows, Math.Round(l.Lift, 2), l.Related, l.Sentence))],
        [.. actions.Select(a => new DecisionEntry(a.Time, a.Scenario, a.Profile, a.Action, a.Target, (long)a.Duration.TotalSeconds, a.Simulated, a.Outcome))]);
}
