using System.Globalization;
using System.Text.Json;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Reports;

/// <summary>
/// The <c>uncloak incidents --json</c> documents (schema <c>uncloak.incidents/1</c>): <c>{"schema", "incidents": [{id,
/// start, end, probe, layer, confidence, layers: [{layer, score}], summary, bundle}]}</c>; <c>show</c> adds to its one
/// incident the evidence, the reasoning and the bundle's problems.
/// </summary>
public static class IncidentJson
{
    public const string Schema = "uncloak.incidents/1";

    public static void WriteList(Utf8JsonWriter w, IReadOnlyList<Incident> incidents)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(incidents);
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteStartArray("incidents");
        foreach (var i in incidents)
        {
            w.WriteStartObject();
            WriteFields(w, i);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    /// <summary>
    /// One incident with the evidence of its bundle (<paramref name="verdict"/> null when the bundle could not be read);
    /// with <paramref name="bundle"/>, also the bundle's files and the wire analysis of its packet ring.
    /// </summary>
    public static void WriteShow(Utf8JsonWriter w, Incident incident, Verdict? verdict, IReadOnlyList<string> problems, Forensics.ForensicSource? bundle = null)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(incident);
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteStartArray("incidents");
        w.WriteStartObject();
        WriteFields(w, incident);
        w.WriteStartArray("evidence");
        foreach (var e in verdict?.Evidence ?? [])
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind);
            w.WriteString("text", e.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("reasoning", verdict?.Reasoning ?? []);
        w.WriteStrings("problems", problems);
        if (bundle is not null)
        {
            VerdictJson.WriteBundleParts(w, bundle);
        }
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteFields(Utf8JsonWriter w, Incident i)
    {
        w.WriteString("id", i.Id);
        w.WriteString("start", Time(i.Start));
        if (i.End is { } end)
        {
            w.WriteString("end", Time(end));
        }
        else
        {
            w.WriteNull("end");
        }
        w.WriteString("probe", i.Probe);
        if (i.OutageId is { } outage)
        {
            w.WriteNumber("outage", outage);
        }
        else
        {
            w.WriteNull("outage");
        }
        w.WriteString("layer", i.Layer.Name());
        w.WriteNumber("confidence", Math.Round(i.Confidence, 3));
        w.WriteStartArray("layers");
        foreach (var l in i.Layers)
        {
            w.WriteStartObject();
            w.WriteString("layer", l.Layer.Name());
            w.WriteNumber("score", Math.Round(l.Score, 3));
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("summary", i.Summary);
        w.WriteString("bundle", i.Bundle);
    }

    private static string Time(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
}
