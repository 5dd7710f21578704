using System.Globalization;
using System.Net;
using System.Text;

namespace Uncloak.Core.Reports;

/// <summary>Small pure SVG chart builders for the HTML reports (no scripts, no external assets).</summary>
public static class Svg
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string F(double v) => v.ToString("0.##", Inv);

    /// <summary>
    /// A bar series over time with optional shaded bands (outages, disruptions) behind it and a few tick labels.
    /// </summary>
    public static string TimeBars(long[] series, int width, int height, string color, IEnumerable<(double From, double To)> bands, IReadOnlyList<(double At, string Label)> ticks, string title)
    {
        var sb = new StringBuilder();
        const int left = 46, bottom = 20, top = 8;
        int plotW = width - left - 8, plotH = height - bottom - top;
        long max = Math.Max(1, series.Length == 0 ? 1 : series.Max());
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{Esc(title)}\">");
        sb.Append(Inv, $"<rect x=\"{left}\" y=\"{top}\" width=\"{plotW}\" height=\"{plotH}\" fill=\"#fafbfc\" stroke=\"#e1e4e8\"/>");
        foreach (var (from, to) in bands)
        {
            double x0 = left + Math.Clamp(from, 0, 1) * plotW, x1 = left + Math.Clamp(to, 0, 1) * plotW;
            sb.Append(Inv, $"<rect x=\"{F(x0)}\" y=\"{top}\" width=\"{F(Math.Max(1.5, x1 - x0))}\" height=\"{plotH}\" fill=\"#d73a49\" fill-opacity=\"0.18\"/>");
        }
        double bw = series.Length == 0 ? 0 : (double)plotW / series.Length;
        for (int i = 0; i < series.Length; i++)
        {
            if (series[i] == 0)
            {
                continue;
            }
            double h = Math.Max(1, (double)series[i] / max * plotH);
            sb.Append(Inv, $"<rect x=\"{F(left + i * bw)}\" y=\"{F(top + plotH - h)}\" width=\"{F(Math.Max(0.8, bw - (bw > 3 ? 1 : 0)))}\" height=\"{F(h)}\" fill=\"{color}\"><title>{series[i]}</title></rect>");
        }
        sb.Append(Inv, $"<text x=\"{left - 4}\" y=\"{top + 10}\" font-size=\"10\" text-anchor=\"end\" fill=\"#586069\">{max:N0}</text>");
        sb.Append(Inv, $"<text x=\"{left - 4}\" y=\"{top + plotH}\" font-size=\"10\" text-anchor=\"end\" fill=\"#586069\">0</text>");
        foreach (var (at, label) in ticks)
        {
            double x = left + at * plotW;
            // The first and last labels hang inwards so they are not clipped at the edges.
            string anchor = at <= 0 ? "start" : at >= 1 ? "end" : "middle";
            sb.Append(Inv, $"<line x1=\"{F(x)}\" y1=\"{top + plotH}\" x2=\"{F(x)}\" y2=\"{top + plotH + 4}\" stroke=\"#959da5\"/>");
            sb.Append(Inv, $"<text x=\"{F(x)}\" y=\"{height - 4}\" font-size=\"10\" text-anchor=\"{anchor}\" fill=\"#586069\">{Esc(label)}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Horizontal bars with labels, for top-N lists.</summary>
    public static string HorizontalBars(IReadOnlyList<(string Label, long Value)> rows, int width, string color, string title)
    {
        var sb = new StringBuilder();
        const int rowH = 20, labelW = 210;
        int height = Math.Max(1, rows.Count) * rowH + 4;
        long max = Math.Max(1, rows.Count == 0 ? 1 : rows.Max(r => r.Value));
        int barMax = width - labelW - 70;
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"100%\" role=\"img\" aria-label=\"{Esc(title)}\">");
        for (int i = 0; i < rows.Count; i++)
        {
            var (label, value) = rows[i];
            double w = Math.Max(1, (double)value / max * barMax);
            int y = i * rowH + 2;
            sb.Append(Inv, $"<text x=\"{labelW - 6}\" y=\"{y + 14}\" font-size=\"12\" text-anchor=\"end\" font-family=\"ui-monospace,monospace\" fill=\"#24292e\">{Esc(label)}</text>");
            sb.Append(Inv, $"<rect x=\"{labelW}\" y=\"{y + 3}\" width=\"{F(w)}\" height=\"{rowH - 6}\" rx=\"2\" fill=\"{color}\"/>");
            sb.Append(Inv, $"<text x=\"{F(labelW + w + 6)}\" y=\"{y + 14}\" font-size=\"11\" fill=\"#586069\">{value:N0}</text>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string Esc(string s) => WebUtility.HtmlEncode(s);
}
