using System.Text.Encodings.Web;
using System.Text.Json;

namespace Uncloak.Core.Audit;

/// <summary>The JSON form of an audit report: stable key order, report order for results, invariant numbers. Golden-tested.</summary>
public static class AuditReportJson
{
    public static void Write(TextWriter output, AuditReport report)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            Write(w, report);
        }
        output.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
        output.Write('\n');
    }

    public static void Write(Utf8JsonWriter w, AuditReport report)
    {
        w.WriteStartObject();
        w.WriteString("schema", "uncloak.audit/1");
        w.WriteString("kernel", report.KernelRelease);
        w.WriteNumber("score", report.Score);
        w.WriteStartObject("counts");
        foreach (var status in Enum.GetValues<CheckStatus>())
        {
            w.WriteNumber(status.Name(), report.Count(status));
        }
        w.WriteEndObject();
        w.WriteStartArray("results");
        foreach (var r in report.Results)
        {
            w.WriteStartObject();
            w.WriteString("id", r.Id);
            w.WriteString("group", r.Group.Name());
            w.WriteString("severity", r.Severity.ToString().ToLowerInvariant());
            w.WriteString("status", r.Status.Name());
            w.WriteString("title", r.Title);
            if (r.Subject is not null)
            {
                w.WriteString("subject", r.Subject);
            }
            w.WriteString("observed", r.Observed);
            w.WriteString("expected", r.Expected);
            if (r.Detail is not null)
            {
                w.WriteString("detail", r.Detail);
            }
            w.WriteString("rationale", r.Rationale);
            if (r.Fix is { } fix)
            {
                w.WriteStartObject("fix");
                w.WriteStartArray("sysctl");
                foreach (var s in fix.Sysctls)
                {
                    w.WriteStringValue(s.ToString());
                }
                w.WriteEndArray();
                w.WriteStartArray("nic");
                foreach (var n in fix.Nic)
                {
                    w.WriteStringValue(n.Command);
                }
                w.WriteEndArray();
                if (fix.Manual is not null)
                {
                    w.WriteString("manual", fix.Manual);
                }
                w.WriteEndObject();
            }
            if (r.SilencedBecause is not null)
            {
                w.WriteString("silenced_because", r.SilencedBecause);
            }
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
    }
}
