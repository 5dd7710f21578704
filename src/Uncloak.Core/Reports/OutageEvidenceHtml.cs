using System.Globalization;
using System.Net;
using System.Text;
using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Reports;

/// <summary>
/// The outage report's per-outage evidence: for each outage with an incident bundle, one collapsed <c>&lt;details&gt;</c>
/// with the layer named first and its confidence, the ranked layers, the summary, a link to the bundle, the evidence items
/// (kind and text) and the reasoning in words. Everything shown is HTML-encoded: addresses, interface names and kernel
/// lines in a bundle are whatever the host and its peers put there.
/// </summary>
public static class OutageEvidenceHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The layer cell of the outages table: "shaper (0.85)", or "—" without an incident.</summary>
    public static string LayerCell(OutageIncident? incident) => incident is null
        ? "—"
        : Esc(incident.Incident.Layer == Layer.Unknown ? "unknown" : string.Create(Inv, $"{incident.Incident.Layer.Name()} ({incident.Incident.Confidence:0.00})"));

    /// <summary>The bundle cell: a link to the bundle, or "—".</summary>
    public static string BundleCell(OutageIncident? incident, string? reportDirectory) => incident is null
        ? "—"
        : $"<a href=\"{Esc(BundleLink.Href(incident.Incident.Bundle, reportDirectory))}\">{Esc(incident.Incident.Id)}</a>";

    /// <summary>Appends the section; nothing when no outage has an incident.</summary>
    public static void Append(StringBuilder sb, IReadOnlyList<OutageLeadUp> outages, Func<OutageSpan, OutageIncident?> incidentOf, string? reportDirectory)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(outages);
        ArgumentNullException.ThrowIfNull(incidentOf);
        var withBundles = outages.Select(o => (o.Outage, Incident: incidentOf(o.Outage))).Where(o => o.Incident is not null).ToList();
        if (withBundles.Count == 0)
        {
            return;
        }
        sb.Append("<h2>Evidence per outage</h2><p class=\"muted\">What each outage's incident bundle shows and where it puts the fault; open one to read its evidence.</p>");
        foreach (var (outage, found) in withBundles)
        {
            var i = found!.Incident;
            sb.Append(Inv, $"<details class=\"incident\"><summary>{T(outage.Start)} · {Esc(outage.Probe)} · <b>{LayerCell(found)}</b> · {Esc(i.Summary)}</summary>");
            string span = outage.End is { } end ? T(end) : "ongoing";
            sb.Append(Inv, $"<p>Outage {T(outage.Start)} – {span}; bundle <a href=\"{Esc(BundleLink.Href(i.Bundle, reportDirectory))}\">{Esc(i.Bundle)}</a></p>");
            var layers = i.Layers;
            if (layers.Count > 0)
            {
                sb.Append("<p>Layers in rank order: ")
                  .Append(Esc(string.Join(", ", layers.Select(l => string.Create(Inv, $"{l.Layer.Name()} {l.Score:0.00}")))))
                  .Append("</p>");
            }
            if (found.Verdict is { } v)
            {
                sb.Append("<table><tr><th>evidence</th><th>what it shows</th></tr>");
                foreach (var e in v.Evidence)
                {
                    sb.Append("<tr><td>").Append(Esc(e.Kind)).Append("</td><td>").Append(Esc(e.Text)).Append("</td></tr>");
                }
                if (v.Evidence.Count == 0)
                {
                    sb.Append("<tr><td colspan=\"2\" class=\"muted\">the bundle holds no evidence that points anywhere</td></tr>");
                }
                sb.Append("</table>");
                if (v.Reasoning.Count > 0)
                {
                    sb.Append("<p>Reasoning:</p><ol>");
                    foreach (var line in v.Reasoning)
                    {
                        sb.Append("<li>").Append(Esc(line)).Append("</li>");
                    }
                    sb.Append("</ol>");
                }
            }
            foreach (var problem in found.Problems)
            {
                sb.Append("<p class=\"rel\">").Append(Esc(problem)).Append("</p>");
            }
            sb.Append("</details>");
        }
    }

    private static string T(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", Inv) + "Z";

    private static string Esc(string s) => WebUtility.HtmlEncode(s);
}
