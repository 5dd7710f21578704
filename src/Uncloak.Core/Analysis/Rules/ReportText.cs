using System.Globalization;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>How the rules write numbers, shares and durations in their sentences.</summary>
internal static class ReportText
{
    public static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public static string Pct(double v) => (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Dur(TimeSpan t) => t.TotalSeconds < 120 ? $"{t.TotalSeconds:0} s" : t.TotalMinutes < 120 ? $"{t.TotalMinutes:0} min" : $"{t.TotalHours:0.#} h";

    public static string Span(AnalysisReport r, EventKind kind)
    {
        if (!r.Timeline.Series.TryGetValue(kind, out var series))
        {
            return "unknown times";
        }
        int first = Array.FindIndex(series, c => c > 0), last = Array.FindLastIndex(series, c => c > 0);
        if (first < 0)
        {
            return "unknown times";
        }
        var a = r.Timeline.Start + r.Timeline.Bucket * first;
        var b = r.Timeline.Start + r.Timeline.Bucket * (last + 1);
        return r.Timeline.Clock == "wall"
            ? $"{a:yyyy-MM-dd HH:mm} and {b:yyyy-MM-dd HH:mm} UTC"
            : $"{(a - DateTime.UnixEpoch).TotalSeconds:0} s and {(b - DateTime.UnixEpoch).TotalSeconds:0} s after boot";
    }
}
