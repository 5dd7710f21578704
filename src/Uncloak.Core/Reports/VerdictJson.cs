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
        WriteBundleParts(w, s);
        w.WriteEndObject();
    }

    /// <summary>
    /// A bundle's files (<c>files: [{name, bytes, sha256}]</c>, as its manifest lists them) and the wire analysis of its
    /// packet ring (<c>packets: {packets, tcp, flows, malformed, problem, findings: [{id, severity, title, conclusion}]}</c>,
    /// or null when it has none). Nothing for dumps.
    /// </summary>
    internal static void WriteBundleParts(Utf8JsonWriter w, ForensicSource s)
    {
        if (s.Manifest is not { } m)
        {
            return;
        }
        w.WriteStartArray("files");
        foreach (var f in m.Files)
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteNumber("bytes", f.Bytes);
            w.WriteString("sha256", f.Sha256);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (s.Packets is not { } p)
        {
            w.WriteNull("packets");
            return;
        }
        w.WriteStartObject("packets");
        w.WriteNumber("packets", p.Packets);
        w.WriteNumber("tcp", p.TcpPackets);
        w.WriteNumber("flows", p.Flows);
        w.WriteNumber("malformed", p.Malformed);
        if (p.Problem is null)
        {
            w.WriteNull("problem");
        }
        else
        {
            w.WriteString("problem", p.Problem);
        }
        w.WriteStartArray("findings");
        foreach (var f in p.Findings)
        {
            w.WriteStartObject();
            w.WriteString("id", f.Id);
            w.WriteString("severity", f.Severity.ToString().ToLowerInvariant());
            w.WriteString("title", f.Title);
            w.WriteString("conclusion", f.Conclusion);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
