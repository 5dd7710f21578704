using System.Globalization;
using Uncloak.Core.Forensics.Fleet;

namespace Uncloak.Cli.Rendering;

/// <summary>The fleet's evidence on one timeline, for a terminal or as JSON; pure: the report in, text out.</summary>
internal static class FleetReportRenderer
{
    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    private static string Kind(FleetFindingKind k) => k switch
    {
        FleetFindingKind.SharedOutage => "shared-outage",
        FleetFindingKind.LoneOutage => "lone-outage",
        FleetFindingKind.NetworkPath => "network-path",
        FleetFindingKind.Local => "local",
        _ => "peer-on-several-hosts",
    };

    public static void Report(TextWriter output, FleetTimelineReport report)
    {
        if (report.Outages.Count == 0 && report.PeerAlerts.Count == 0)
        {
            output.WriteLine("no evidence on the fleet's stream yet (agents publish outages and alert summaries every 2 s once connected)");
            return;
        }
        output.WriteLine("OUTAGES (UTC)");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"START",-19}  {"END",-19}  {"HOST",-16} {"PROBE",-16} CAUSE"));
        foreach (var o in report.Outages)
        {
            var end = o.End is { } e ? Time(e) : "(open)";
            var probe = o.Of is null ? o.Probe : $"{o.Probe} (of {o.Of})";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Time(o.Start),-19}  {end,-19}  {o.Host,-16} {probe,-16} {o.Cause}"));
        }
        if (report.Incidents.Count > 0)
        {
            output.WriteLine();
            output.WriteLine("INCIDENTS (each host's own verdict)");
            foreach (var i in report.Incidents)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Time(i.Start),-19}  {i.Host,-16} {i.Probe,-16} {i.Layer} {i.Confidence:0.00}  {i.Summary}"));
            }
        }
        output.WriteLine();
        output.WriteLine("FINDINGS");
        foreach (var f in report.Findings)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Time(f.Start)} – {Time(f.End)}  {Kind(f.Kind),-22} {f.Text}"));
        }
    }

    public static void ReportJson(TextWriter output, FleetTimelineReport report, int skipped)
        => JsonOutput.Write(output, w =>
        {
            w.WriteStartObject();
            w.WriteString("schema", "uncloak.fleet.report/1");
            w.WriteStartArray("outages");
            foreach (var o in report.Outages)
            {
                w.WriteStartObject();
                w.WriteString("host", o.Host);
                w.WriteString("probe", o.Probe);
                w.WriteString("start", o.Start);
                if (o.End is { } end)
                {
                    w.WriteString("end", end);
                }
                else
                {
                    w.WriteNull("end");
                }
                w.WriteString("cause", o.Cause);
                if (o.Of is not null)
                {
                    w.WriteString("of", o.Of);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("peer_alerts");
            foreach (var a in report.PeerAlerts)
            {
                w.WriteStartObject();
                w.WriteString("host", a.Host);
                w.WriteString("peer", a.Peer);
                w.WriteString("scenario", a.Scenario);
                w.WriteNumber("alerts", a.Alerts);
                w.WriteString("first", a.First);
                w.WriteString("last", a.Last);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("incidents");
            foreach (var i in report.Incidents)
            {
                w.WriteStartObject();
                w.WriteString("host", i.Host);
                w.WriteString("id", i.Id);
                w.WriteString("probe", i.Probe);
                w.WriteString("start", i.Start);
                if (i.End is { } end)
                {
                    w.WriteString("end", end);
                }
                else
                {
                    w.WriteNull("end");
                }
                w.WriteString("layer", i.Layer);
                w.WriteNumber("confidence", i.Confidence);
                w.WriteString("summary", i.Summary);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartArray("findings");
            foreach (var f in report.Findings)
            {
                w.WriteStartObject();
                w.WriteString("kind", Kind(f.Kind));
                w.WriteString("start", f.Start);
                w.WriteString("end", f.End);
                w.WriteStartArray("hosts");
                foreach (var h in f.Hosts)
                {
                    w.WriteStringValue(h);
                }
                w.WriteEndArray();
                if (f.Peer is not null)
                {
                    w.WriteString("peer", f.Peer);
                }
                w.WriteString("text", f.Text);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteNumber("skipped", skipped);
            w.WriteEndObject();
        });
}
