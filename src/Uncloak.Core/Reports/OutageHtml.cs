using System.Globalization;
using System.Net;
using System.Text;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Incidents;

namespace Uncloak.Core.Reports;

/// <summary>
/// The outage report as one self-contained HTML page: a timeline per related event kind with outages as shaded bands, the
/// lift table, each outage's lead-up with the layer its incident names and a link to its bundle, and the evidence of each
/// incident (<see cref="OutageEvidenceHtml"/>).
/// </summary>
public static class OutageHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <param name="r">The correlation of outages with the events before them.</param>
    /// <param name="events">Every event (time, kind, weight) for the timelines.</param>
    /// <param name="generatedUtc">The time printed as "generated".</param>
    /// <param name="incidentOf">The incident of an outage, or null (none captured, or outages from the logs).</param>
    /// <param name="reportDirectory">The absolute folder the page is written to, so bundles under it are linked relatively.</param>
    public static string Render(CorrelationReport r, IReadOnlyList<(DateTime Time, EventKind Kind, long Weight)> events, DateTime generatedUtc,
        Func<OutageSpan, OutageIncident?>? incidentOf = null, string? reportDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(r);
        incidentOf ??= _ => null;
        var sb = new StringBuilder();
        sb.Append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Uncloak outage report</title><style>")
          .Append("body{font:14px system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#24292e}table{border-collapse:collapse;width:100%}")
          .Append("td,th{border-bottom:1px solid #e1e4e8;padding:4px 8px;text-align:left}th{background:#f6f8fa}.rel{color:#b31d28;font-weight:600}")
          .Append("h2{margin-top:1.6em}.muted{color:#586069}details.incident{border:1px solid #e1e4e8;border-radius:4px;margin:6px 0;padding:4px 8px}")
          .Append("details.incident summary{cursor:pointer}</style></head><body>");
        sb.Append(Inv, $"<h1>Outages and what preceded them</h1><p class=\"muted\">History {T(r.HistoryStart)} – {T(r.HistoryEnd)}; lead-up window {r.Window.TotalMinutes:0} min; generated {T(generatedUtc)}.</p>");
        var span = r.HistoryEnd - r.HistoryStart;
        const int buckets = 200;
        var bands = span <= TimeSpan.Zero ? [] : r.Outages.Select(o => ((o.Outage.Start - r.HistoryStart) / span, ((o.Outage.End ?? r.HistoryEnd) - r.HistoryStart) / span)).ToList();
        var ticks = span <= TimeSpan.Zero ? new List<(double, string)>() : [.. Enumerable.Range(0, 5).Select(i => (i / 4.0, (r.HistoryStart + span * (i / 4.0)).ToString("MM-dd HH:mm", Inv)))];
        sb.Append("<h2>Timeline</h2><p class=\"muted\">Red bands are outages.</p>");
        foreach (var lift in r.Lifts.Take(6))
        {
            var series = new long[buckets];
            if (span > TimeSpan.Zero)
            {
                foreach (var (time, kind, weight) in events)
                {
                    if (kind == lift.Kind && time >= r.HistoryStart && time <= r.HistoryEnd)
                    {
                        series[Math.Min(buckets - 1, (int)((time - r.HistoryStart) / span * buckets))] += weight;
                    }
                }
            }
            sb.Append(Inv, $"<h3>{Esc(lift.Kind.Name())}</h3>");
            sb.Append(Svg.TimeBars(series, 960, 110, lift.Related ? "#d73a49" : "#0366d6", bands, ticks, lift.Kind.Name() + " over time"));
        }
        sb.Append("<h2>Which events go with outages</h2><table><tr><th>kind</th><th>preceded</th><th>ordinary windows with it</th><th>lift</th><th>reading</th></tr>");
        foreach (var l in r.Lifts)
        {
            sb.Append(Inv, $"<tr><td>{Esc(l.Kind.Name())}</td><td>{l.Preceded} of {l.Outages}</td><td>{l.OrdinaryWindowsWith} of {l.OrdinaryWindows}</td><td>{l.Lift:0.0}</td><td class=\"{(l.Related ? "rel" : "")}\">{Esc(l.Sentence)}</td></tr>");
        }
        sb.Append("</table><h2>Outages</h2><table><tr><th>probe</th><th>start</th><th>duration</th><th>cause</th><th>layer</th><th>bundle</th><th>before it (most unusual first)</th></tr>");
        foreach (var o in r.Outages)
        {
            string dur = o.Outage.End is { } end ? $"{(end - o.Outage.Start).TotalMinutes:0.#} min" : "ongoing";
            string before = o.Kinds.Count == 0 ? "nothing" : string.Join(", ", o.Kinds.Take(4).Select(k => string.Create(Inv, $"{k.Kind.Name()} ×{k.Count} ({k.Unusualness:0.#}× usual)")));
            sb.Append(Inv, $"<tr><td>{Esc(o.Outage.Probe)}</td><td>{T(o.Outage.Start)}</td><td>{dur}</td><td>{Esc(o.Outage.Cause)}</td>");
            var incident = incidentOf(o.Outage);
            sb.Append("<td>").Append(OutageEvidenceHtml.LayerCell(incident)).Append("</td><td>").Append(OutageEvidenceHtml.BundleCell(incident, reportDirectory)).Append("</td>");
            sb.Append(Inv, $"<td>{Esc(before)}</td></tr>");
        }
        sb.Append("</table>");
        OutageEvidenceHtml.Append(sb, r.Outages, incidentOf, reportDirectory);
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    private static string T(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", Inv) + "Z";

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
