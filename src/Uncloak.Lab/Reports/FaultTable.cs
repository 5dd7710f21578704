using System.Globalization;
using Uncloak.Core.Forensics.Localization;
using Uncloak.Lab.Faults;
using Uncloak.Lab.Runs;

namespace Uncloak.Lab.Reports;

/// <summary>The fault matrix as text (<c>uncloak lab faults</c>): one row per fault, the verdict against the true layer. Pure.</summary>
public static class FaultTable
{
    public static void Write(TextWriter output, IReadOnlyList<FaultResult> results)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(results);
        var c = CultureInfo.InvariantCulture;
        string[] head = ["fault", "clients", "true layer", "verdict", "conf.", "ranks", "outage", "again", "result"];
        var rows = results.Select(r => new[]
        {
            r.Fault.Name(), $"{r.ClientsBefore.ToString("P0", c)} → {r.ClientsDuring.ToString("P0", c)}", r.TrueLayer.Name(), r.Layer.Name(), r.Confidence.ToString("0.00", c),
            r.Layers.Count == 0 ? "–" : string.Join(" > ", r.Layers.Select(l => l.Layer.Name() + " " + l.Score.ToString("0.00", c))),
            r.OutageStart is { } s ? (r.OutageEnd is { } e ? (e - s).TotalSeconds.ToString("0.0", c) + " s" : "open") : "none",
            r.Reanalyzed?.Name() ?? "–",
            r.Passed ? "PASS" : "FAIL",
        }).ToList();
        var widths = head.Select((h, i) => rows.Select(row => row[i].Length).Append(h.Length).Max()).ToArray();
        void Line(string[] cells) => output.WriteLine(string.Join("  ", cells.Select((x, i) => x.PadRight(widths[i]))).TrimEnd());
        Line(head);
        rows.ForEach(Line);
        output.WriteLine();
        output.WriteLine($"{results.Count(r => r.Passed)} of {results.Count} faults named at their true layer first (verdict: the daemon's; again: the bundle re-analysed).");
        foreach (var r in results)
        {
            if (r.Note.Length > 0)
            {
                output.WriteLine($"  {r.Fault.Name()}: {r.Note}");
            }
            if (r.Bundle is not null)
            {
                output.WriteLine($"  {r.Fault.Name()}: bundle {r.Bundle}");
            }
        }
    }
}
