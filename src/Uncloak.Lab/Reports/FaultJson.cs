using System.Text.Json;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Lab.Faults;
using Uncloak.Lab.Runs;

namespace Uncloak.Lab.Reports;

/// <summary>The JSON view of the fault matrix (<c>uncloak lab faults --json</c>, schema <c>uncloak.lab.faults/1</c>). Pure.</summary>
public static class FaultJson
{
    public const string Schema = "uncloak.lab.faults/1";

    public static void Write(Stream output, IReadOnlyList<FaultResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteNumber("passed", results.Count(r => r.Passed));
        w.WriteNumber("total", results.Count);
        w.WriteStartArray("faults");
        foreach (var r in results)
        {
            w.WriteStartObject();
            w.WriteString("fault", r.Fault.Name());
            w.WriteString("true_layer", r.TrueLayer.Name());
            w.WriteString("layer", r.Layer.Name());
            w.WriteNumber("confidence", Math.Round(r.Confidence, 2));
            w.WriteStartArray("layers");
            foreach (var l in r.Layers)
            {
                w.WriteStartObject();
                w.WriteString("layer", l.Layer.Name());
                w.WriteNumber("score", Math.Round(l.Score, 2));
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("clients_before", Math.Round(r.ClientsBefore, 3));
            w.WriteNumber("clients_during", Math.Round(r.ClientsDuring, 3));
            w.WriteString("fault_start", Rfc3339(r.FaultFrom));
            w.WriteString("fault_end", Rfc3339(r.FaultTo));
            Time(w, "outage_start", r.OutageStart);
            Time(w, "outage_end", r.OutageEnd);
            if (r.Bundle is null)
            {
                w.WriteNull("bundle");
            }
            else
            {
                w.WriteString("bundle", r.Bundle);
            }
            if (r.Reanalyzed is { } again)
            {
                w.WriteString("reanalyzed_layer", again.Name());
            }
            else
            {
                w.WriteNull("reanalyzed_layer");
            }
            w.WriteString("summary", r.Summary);
            w.WriteString("note", r.Note);
            w.WriteBoolean("pass", r.Passed);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static string Rfc3339(DateTime t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static void Time(Utf8JsonWriter w, string name, DateTime? time)
    {
        if (time is { } t)
        {
            w.WriteString(name, Rfc3339(t));
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
