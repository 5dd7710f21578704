using System.Globalization;
using System.Text;
using Uncloak.Core.Analysis;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Reports;

/// <summary>
/// The self-contained HTML analysis report: verdict, a timeline chart per event kind with disruptions
/// shaded, top peers, and the evidence tables. Pure: report in, string out; the caller supplies the time.
/// </summary>
public static class AnalysisHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly Dictionary<EventKind, string> Colors = new()
    {
        [EventKind.Treason] = "#6f42c1",
        [EventKind.SynFlood] = "#d73a49",
        [EventKind.ConntrackFull] = "#e36209",
        [EventKind.FirewallLog] = "#0366d6",
        [EventKind.NicLink] = "#28a745",
        [EventKind.NetdevWatchdog] = "#b31d28",
        [EventKind.NicHang] = "#b31d28",
        [EventKind.Martian] = "#6a737d",
    };

    public static string Render(AnalysisReport r, DateTime generatedUtc)
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        sb.Append("<title>Uncloak analysis</title><style>").Append(Css).Append("</style></head><body><main>");
        sb.Append("<header><h1>Uncloak analysis</h1><p class=\"sub\">")
          .Append(Svg.Esc(string.Join(", ", r.Sources.Select(s => Path(s.Name)))))
          .Append(" · generated ").Append(generatedUtc.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv)).Append("</p></header>");

        sb.Append("<section class=\"cards\">");
        Card(sb, "lines read", r.Lines.ToString("N0", Inv));
        Card(sb, "network events", r.Events.ToString("N0", Inv));
        Card(sb, "distinct peers", r.DistinctPeers.ToString("N0", Inv));
        Card(sb, "malformed lines", r.Malformed.ToString("N0", Inv));
        if (r.First is { } first && r.Last is { } last)
        {
            Card(sb, "time span", r.Clock == "wall" ? $"{(last - first).TotalHours:0.#} h from {first:MMM d}" : $"{(last - first).TotalHours:0.#} h of uptime");
        }
        sb.Append("</section>");

        sb.Append("<section><h2>Verdict</h2>");
        foreach (var f in r.Findings)
        {
            string sev = f.Severity.ToString().ToLowerInvariant();
            sb.Append("<article class=\"finding ").Append(sev).Append("\"><h3><span class=\"badge\">").Append(sev).Append("</span>")
              .Append(Svg.Esc(f.Title)).Append("</h3><p class=\"conclusion\">").Append(Svg.Esc(f.Conclusion)).Append("</p>");
            List("Evidence", f.Evidence, sb);
            List("Why", f.Reasoning, sb);
            List("What to do", f.Advice, sb);
            sb.Append("</article>");
        }
        sb.Append("</section>");

        if (r.Timeline.Buckets > 0)
        {
            sb.Append("<section id=\"timeline\"><h2>Timeline</h2><p class=\"note\">One bar per ").Append(BucketText(r.Timeline.Bucket))
              .Append(r.Disruptions.Count > 0 ? ". Red bands: disruptions seen in the log (link down, transmit hangs, conntrack full, SYN drops)." : ".")
              .Append(r.Clock == "uptime" ? " Times are seconds since boot: these inputs carry no dates." : " Times are UTC.").Append("</p>");
            double total = r.Timeline.Bucket.TotalSeconds * r.Timeline.Buckets;
            var bands = r.Disruptions.Select(d => ((d.Start - r.Timeline.Start).TotalSeconds / total, (d.End - r.Timeline.Start).TotalSeconds / total)).ToList();
            var ticks = Ticks(r.Timeline, r.Clock);
            foreach (var (kind, series) in r.Timeline.Series.OrderBy(s => s.Key))
            {
                sb.Append("<div class=\"chart\"><div class=\"chart-title\">").Append(Svg.Esc(kind.Name())).Append(" <span>")
                  .Append(series.Sum().ToString("N0", Inv)).Append("</span></div>")
                  .Append(Svg.TimeBars(series, 960, 120, Colors.GetValueOrDefault(kind, "#0366d6"), bands, ticks, kind.Name()))
                  .Append("</div>");
            }
            sb.Append("</section>");
        }

        if (r.Peers.Count > 0)
        {
            sb.Append("<section><h2>Top peers</h2>");
            sb.Append(Svg.HorizontalBars([.. r.Peers.Take(15).Select(p => (p.Address.ToString(), p.Counts.Total))], 960, "#0366d6", "top peers"));
            sb.Append("<table><thead><tr><th>peer</th><th class=\"num\">events</th><th>by kind</th><th>first</th><th>last</th></tr></thead><tbody>");
            foreach (var p in r.Peers.Take(25))
            {
                sb.Append("<tr><td class=\"mono\">").Append(Svg.Esc(p.Address.ToString())).Append("</td><td class=\"num\">").Append(p.Counts.Total.ToString("N0", Inv))
                  .Append("</td><td>").Append(Svg.Esc(string.Join(", ", p.Counts.NonZero().Select(k => $"{k.Kind.Name()} {k.Count:N0}"))))
                  .Append("</td><td>").Append(Time(p.First == DateTime.MaxValue ? null : p.First, r.Clock))
                  .Append("</td><td>").Append(Time(p.Last == DateTime.MinValue ? null : p.Last, r.Clock)).Append("</td></tr>");
            }
            sb.Append("</tbody></table></section>");
        }

        sb.Append("<section class=\"two\"><div><h2>Events by kind</h2><table><tbody>");
        foreach (var (kind, count) in r.Counts.NonZero())
        {
            sb.Append("<tr><td>").Append(Svg.Esc(kind.Name())).Append("</td><td class=\"num\">").Append(count.ToString("N0", Inv)).Append("</td><td class=\"dim\">")
              .Append(Svg.Esc(MessageCatalog.For(kind)?.Summary ?? "")).Append("</td></tr>");
        }
        sb.Append("</tbody></table></div><div><h2>Local ports</h2><table><thead><tr><th>port</th><th class=\"num\">events</th><th class=\"num\">peers</th></tr></thead><tbody>");
        foreach (var p in r.LocalPorts.Take(12))
        {
            sb.Append("<tr><td>").Append(p.Port.ToString(Inv)).Append("</td><td class=\"num\">").Append(p.Counts.Total.ToString("N0", Inv))
              .Append("</td><td class=\"num\">").Append(p.DistinctPeers.ToString("N0", Inv)).Append("</td></tr>");
        }
        sb.Append("</tbody></table></div></section>");

        if (r.TreasonEpisodes.Count > 0)
        {
            sb.Append("<section><h2>Shrunk-window episodes</h2><p class=\"note\">").Append(r.Counts[EventKind.Treason].ToString("N0", Inv))
              .Append(" lines, ").Append(r.TreasonEpisodes.Count.ToString("N0", Inv)).Append(" stalls (same peer, ports and snd_una) on ")
              .Append(r.TreasonEpisodes.Statistics.Connections.ToString("N0", Inv)).Append(" connections (same peer and ports).</p>");
            sb.Append("<table><thead><tr><th>peer</th><th>local port</th><th>direction</th><th class=\"num\">bytes in flight</th><th class=\"num\">lines</th><th>first</th></tr></thead><tbody>");
            foreach (var e in r.TreasonEpisodes.Top.Take(15))
            {
                sb.Append("<tr><td class=\"mono\">").Append(Svg.Esc(EventDescription.Format(e.Peer, e.PeerPort))).Append("</td><td>").Append(e.LocalPort.ToString(Inv))
                  .Append("</td><td>").Append(e.Direction.ToString().ToLowerInvariant()).Append("</td><td class=\"num\">").Append(e.MaxBytesInFlight.ToString("N0", Inv))
                  .Append("</td><td class=\"num\">").Append(e.Lines.ToString("N0", Inv)).Append("</td><td>").Append(Time(e.First == DateTime.MaxValue ? null : e.First, r.Clock)).Append("</td></tr>");
            }
            sb.Append("</tbody></table></section>");
        }

        if (r.Interfaces.Count > 0)
        {
            sb.Append("<section><h2>Interfaces</h2><table><thead><tr><th>interface</th><th>driver</th><th>last link</th><th class=\"num\">flaps</th><th class=\"num\">watchdogs</th><th class=\"num\">hangs</th></tr></thead><tbody>");
            foreach (var n in r.Interfaces)
            {
                sb.Append("<tr><td class=\"mono\">").Append(Svg.Esc(n.Name)).Append("</td><td>").Append(Svg.Esc(n.Driver ?? "")).Append("</td><td>")
                  .Append(n.LastSpeedMbps > 0 ? Svg.Esc($"{n.LastSpeedMbps} Mbps {n.LastDuplex.ToString().ToLowerInvariant()} duplex, flow control {EventDescription.FlowText(n.LastFlowControl)}") : "")
                  .Append("</td><td class=\"num\">").Append(n.FlapCount.ToString(Inv)).Append("</td><td class=\"num\">").Append(n.Watchdogs.ToString(Inv))
                  .Append("</td><td class=\"num\">").Append(n.Hangs.ToString(Inv)).Append("</td></tr>");
            }
            sb.Append("</tbody></table></section>");
        }

        sb.Append("<section><h2>Inputs</h2><table><thead><tr><th>file</th><th>format</th><th class=\"num\">lines</th><th class=\"num\">malformed</th><th class=\"num\">events</th><th>problem</th></tr></thead><tbody>");
        foreach (var s in r.Sources)
        {
            sb.Append("<tr><td class=\"mono\">").Append(Svg.Esc(s.Name)).Append("</td><td>").Append(Svg.Esc(s.Format)).Append("</td><td class=\"num\">").Append(s.Lines.ToString("N0", Inv))
              .Append("</td><td class=\"num\">").Append(s.Malformed.ToString("N0", Inv)).Append("</td><td class=\"num\">").Append(s.Events.ToString("N0", Inv))
              .Append("</td><td>").Append(Svg.Esc(s.Error ?? "")).Append("</td></tr>");
        }
        sb.Append("</tbody></table></section>");
        sb.Append("<footer>Uncloak · <code>uncloak explain --kind KIND</code> explains any family in full.</footer></main></body></html>");
        return sb.ToString();
    }

    private static string Path(string name) => name.Length > 60 ? "…" + name[^59..] : name;

    private static void Card(StringBuilder sb, string label, string value)
        => sb.Append("<div class=\"card\"><div class=\"value\">").Append(Svg.Esc(value)).Append("</div><div class=\"label\">").Append(Svg.Esc(label)).Append("</div></div>");

    private static void List(string heading, IReadOnlyList<string> items, StringBuilder sb)
    {
        if (items.Count == 0)
        {
            return;
        }
        sb.Append("<h4>").Append(heading).Append("</h4><ul>");
        foreach (var i in items)
        {
            sb.Append("<li>").Append(Svg.Esc(i)).Append("</li>");
        }
        sb.Append("</ul>");
    }

    private static string Time(DateTime? t, string clock)
        => t is not { } v ? "" : clock == "wall" ? v.ToString("yyyy-MM-dd HH:mm:ss", Inv) : $"+{(v - DateTime.UnixEpoch).TotalSeconds:0.0}s";

    private static string BucketText(TimeSpan b) => b.TotalHours >= 24 ? $"{b.TotalDays:0} day(s)" : b.TotalMinutes >= 60 ? $"{b.TotalHours:0} hour(s)" : $"{b.TotalMinutes:0} minute(s)";

    private static List<(double At, string Label)> Ticks(Timeline t, string clock)
    {
        var ticks = new List<(double, string)>();
        int n = 6;
        for (int i = 0; i <= n; i++)
        {
            double at = (double)i / n;
            var time = t.Start + (t.Bucket * t.Buckets) * at;
            ticks.Add((at, clock == "wall" ? time.ToString(t.Bucket >= TimeSpan.FromHours(6) ? "MMM d" : "MMM d HH:mm", Inv) : $"+{(time - DateTime.UnixEpoch).TotalHours:0.#}h"));
        }
        return ticks;
    }

    private const string Css = """
        :root{color-scheme:light}body{margin:0;background:#f6f8fa;color:#24292e;font:14px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Helvetica,Arial,sans-serif}
        main{max-width:1040px;margin:0 auto;padding:24px}header h1{margin:0;font-size:26px}.sub{color:#586069;margin:4px 0 16px}
        section{background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:16px 20px;margin:16px 0}h2{margin:0 0 12px;font-size:18px}
        .cards{display:flex;gap:12px;flex-wrap:wrap;background:none;border:none;padding:0}.card{flex:1;min-width:150px;background:#fff;border:1px solid #e1e4e8;border-radius:8px;padding:12px 16px}
        .card .value{font-size:22px;font-weight:600}.card .label{color:#586069;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
        .finding{border-left:4px solid #959da5;padding:4px 0 4px 14px;margin:12px 0}.finding h3{margin:0;font-size:15px}.finding h4{margin:6px 0 0;font-size:12px;color:#586069;text-transform:uppercase}
        .finding ul{margin:2px 0 4px;padding-left:20px}.conclusion{margin:4px 0}.badge{display:inline-block;font-size:11px;text-transform:uppercase;border-radius:4px;padding:1px 6px;margin-right:8px;background:#959da5;color:#fff}
        .critical{border-color:#d73a49}.critical .badge{background:#d73a49}.warning{border-color:#dbab09}.warning .badge{background:#dbab09}.notice{border-color:#0366d6}.notice .badge{background:#0366d6}
        table{border-collapse:collapse;width:100%;margin-top:8px}th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eaecef;vertical-align:top}th{font-size:12px;color:#586069}
        .num{text-align:right;font-variant-numeric:tabular-nums}.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:13px}.dim{color:#586069}
        .chart{margin:6px 0 10px}.chart-title{font-weight:600;font-size:13px}.chart-title span{color:#586069;font-weight:400}.note{color:#586069;margin:0 0 8px}
        .two{display:grid;grid-template-columns:1fr 1fr;gap:24px}footer{color:#586069;font-size:12px;text-align:center;margin:24px 0}
        """;
}
