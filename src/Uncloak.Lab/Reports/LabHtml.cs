using System.Globalization;
using Uncloak.Core.Reports;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Runs;

namespace Uncloak.Lab.Reports;

/// <summary>
/// The HTML view of lab cells (<c>--html FILE</c>): the table, then per cell a chart of availability per second with the
/// attack shaded. One self-contained page (no scripts, no external assets). Pure.
/// </summary>
public static class LabHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static void Write(TextWriter w, IReadOnlyList<CellResult> cells, string title)
    {
        w.Write("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
        w.Write(Svg.Esc(title));
        w.Write("</title><style>body{font-family:system-ui,sans-serif;margin:2em;color:#24292e}table{border-collapse:collapse}" +
                "td,th{border:1px solid #e1e4e8;padding:4px 8px;text-align:right;white-space:nowrap}th{background:#f6f8fa}td:first-child,td:nth-child(2),th:first-child,th:nth-child(2){text-align:left}" +
                ".bad{color:#b31d28}.good{color:#22863a}section{margin:1.5em 0;max-width:900px}</style></head><body>");
        w.Write($"<h1>{Svg.Esc(title)}</h1>");
        w.Write("<p>Availability is the share of the client probe's requests (one per interval, each on a new connection) answered with a full 200 within the timeout. " +
                "<em>Steady</em> is the attack after the defence has had time to act; <em>during</em> is the whole attack.</p>");
        w.Write("<table><thead><tr><th>attack</th><th>defence</th><th>baseline</th><th>during</th><th>steady</th><th>p50 ms</th><th>p95 ms</th>" +
                "<th>attacker pkts</th><th>detect / ban / recover</th><th>killed</th><th>banned</th></tr></thead><tbody>");
        foreach (var c in cells)
        {
            string cls = c.Steady.Availability >= 0.95 ? "good" : c.Steady.Availability < 0.5 ? "bad" : "";
            w.Write(string.Create(Inv, $"<tr><td>{c.Attack.Name()}</td><td>{c.Defence.Name()}</td><td>{Pct(c.Baseline.Availability)}</td><td>{Pct(c.During.Availability)}</td>"));
            w.Write(string.Create(Inv, $"<td class=\"{cls}\">{Pct(c.Steady.Availability)}</td><td>{Ms(c.Steady.P50Millis)}</td><td>{Ms(c.Steady.P95Millis)}</td>"));
            w.Write(string.Create(Inv, $"<td>{c.AttackStats.Sent:N0}</td><td>{Svg.Esc(LabTimes.Text(c))}</td><td>{c.Uncloak?.SocketsKilled.ToString(Inv) ?? "–"}</td><td>{Svg.Esc(LabTimes.Bans(c))}</td></tr>"));
        }
        w.Write("</tbody></table>");
        foreach (var c in cells)
        {
            w.Write($"<section><h2>{Svg.Esc(c.Attack.Name())} · {Svg.Esc(c.Defence.Name())}</h2><p>{Svg.Esc(c.Victim)}</p>");
            var series = c.AvailabilityPerSecond.Select(a => (long)Math.Round((a ?? 0) * 100)).ToArray();
            double total = Math.Max(1, series.Length);
            var band = (c.WarmupSeconds / total, (c.WarmupSeconds + c.AttackSeconds) / total);
            var ticks = new List<(double, string)> { (0, "0 s"), (band.Item1, "attack"), (1, string.Create(Inv, $"{series.Length} s")) };
            w.Write(Svg.TimeBars(series, 860, 140, "#2f81f7", [band], ticks, $"availability per second, {c.Attack.Name()} with {c.Defence.Name()}"));
            w.Write("</section>");
        }
        w.Write("</body></html>\n");
    }

    private static string Pct(double v) => v.ToString("0.0 %", Inv);

    private static string Ms(double? v) => v is { } x ? x.ToString("0.0", Inv) : "–";
}
