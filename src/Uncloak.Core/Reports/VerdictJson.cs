using System.Text.Json;
using Uncloak.Core.Forensics;
using Uncloak.Core.Forensics.Dumps;
using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Reports;

/// <summary>
/// The <c>analyze --json</c> document for bundles and dumps (schema <c>uncloak.forensics/1</c>): per source the layer,
/// confidence, ranked layers, evidence and summary in the shape of <c>incidents show --json</c>, plus what was read.
/// </summary>
public static class VerdictJson
{
    public const string Schema = "uncloak.forensics/1";

    public static void Write(Utf8JsonWriter w, IReadOnlyList<ForensicSource> sources)
    {
        w.WriteStartObject();
        w.WriteString("schema", Schema);
        w.WriteStartArray("verdicts");
        foreach (var s in sources)
        {
            WriteSource(w, s);
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void WriteSource(Utf8JsonWriter w, ForensicSource s)
    {
        w.WriteStartObject();
        w.WriteStrings("inputs", s.Inputs);
        if (s.Manifest is { } m)
        {
            w.WriteString("bundle", s.Inputs[0]);
            w.WriteString("id", m.Id);
            w.WriteString("host", m.Host);
            w.WriteString("kernel", m.Kernel);
            w.WriteString("start", m.Start.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            if (m.End is { } end)
            {
                w.WriteString("end", end.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                w.WriteNull("end");
            }
            w.WriteString("probe", m.Probe);
        }
        var v = s.Verdict;
        w.WriteString("layer", v.Layer.Name());
        w.WriteNumber("confidence", v.Confidence);
        w.WriteStartArray("layers");
        foreach (var l in v.Layers)
        {
            w.WriteStartObject();
            w.WriteString("layer", l.Layer.Name());
            w.WriteNumber("score", l.Score);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteString("summary", v.Summary);
        w.WriteStartArray("evidence");
        foreach (var e in v.Evidence)
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind);
            w.WriteString("text", e.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStrings("reasoning", v.Reasoning);
        w.WriteStrings("dumps", s.Kinds.Select(k => k.Name()));
        w.WriteNumber("lines", s.Lines);
        w.WriteNumber("malformed", s.Malformed);
        w.WriteStrings("problems", s.Problems);
        w.WriteEndObject();
    }
}
