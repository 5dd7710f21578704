using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// What happens just before the site goes down. For each outage: the event kinds of the preceding window ranked by how far
/// they exceed the host's own baseline rate. Over the whole history: for each kind, the share of outages it preceded
/// against the share of ordinary windows it appears in (lift). Pure and deterministic: the "ordinary" windows are a fixed
/// grid over the history that avoids outages and their lead-up, not random draws.
/// </summary>
public static class OutageCorrelation
{
    /// <summary>A kind counts as related when it preceded at least this share of outages with at least this lift.</summary>
    public const double RelatedLift = 2.0;

    /// <summary>
    /// Outages as the logs show them, for hosts without probes (or history from before the daemon): the disruptions of
    /// <see cref="DisruptionTimeline"/>, the same windows <c>analyze</c> reports.
    /// </summary>
    public static IReadOnlyList<OutageSpan> OutagesFrom(IReadOnlyList<Disruption> disruptions)
        => [.. disruptions.Select(d => new OutageSpan("log", d.Start, d.End, d.Cause, d.Cause))];

    public static CorrelationReport Build(IReadOnlyList<OutageSpan> outages, IReadOnlyList<(DateTime Time, EventKind Kind, long Weight)> events, TimeSpan window, DateTime? historyStart = null, DateTime? historyEnd = null, IReadOnlySet<EventKind>? exclude = null)
    {
        var sorted = events.Where(e => e.Time != default && e.Kind is not (EventKind.ProbeFailed or EventKind.ProbeRecovered) && !(exclude?.Contains(e.Kind) ?? false))
            .OrderBy(e => e.Time).ToList();
        var times = sorted.Select(e => e.Time).ToArray();
        DateTime start = historyStart ?? Min(times.FirstOrDefault(), outages.Count > 0 ? outages.Min(o => o.Start) - window : default);
        DateTime end = historyEnd ?? Max(times.LastOrDefault(), outages.Count > 0 ? outages.Max(o => o.End ?? o.Start) : default);
        var span = end - start;
        var kinds = sorted.Select(e => e.Kind).Distinct().OrderBy(k => k).ToList();
        var totals = kinds.ToDictionary(k => k, k => sorted.Where(e => e.Kind == k).Sum(e => e.Weight));

        var perOutage = new List<OutageLeadUp>();
        foreach (var o in outages.OrderBy(o => o.Start))
        {
            var counts = CountIn(sorted, times, o.Start - window, o.Start);
            var ranked = counts.Select(kv =>
            {
                double expected = span > TimeSpan.Zero ? totals[kv.Key] * (window / span) : 0;
                return new KindInWindow(kv.Key, kv.Value, expected, (kv.Value + 1) / (expected + 1));
            }).OrderByDescending(k => k.Unusualness).ThenBy(k => k.Kind).ToList();
            perOutage.Add(new OutageLeadUp(o, ranked));
        }

        // Ordinary windows: a grid of window-long slots over the history, skipping those that overlap an outage or its lead-up.
        var grid = new List<(DateTime From, DateTime To)>();
        if (span > TimeSpan.Zero)
        {
            for (var t = start; t + window <= end; t += window)
            {
                var slot = (From: t, To: t + window);
                bool nearOutage = outages.Any(o => slot.From < (o.End ?? o.Start) && slot.To > o.Start - window);
                if (!nearOutage)
                {
                    grid.Add(slot);
                }
            }
        }
        var lifts = new List<KindLift>();
        foreach (var kind in kinds)
        {
            int preceded = perOutage.Count(p => p.Kinds.Any(k => k.Kind == kind && k.Count > 0));
            int inGrid = grid.Count(g => CountIn(sorted, times, g.From, g.To).ContainsKey(kind));
            double pBefore = outages.Count == 0 ? 0 : (double)preceded / outages.Count;
            // Laplace smoothing: a kind never seen in an ordinary window is not infinitely telling.
            double pOrdinary = (inGrid + 0.5) / (grid.Count + 1.0);
            double lift = pBefore / pOrdinary;
            lifts.Add(new KindLift(kind, preceded, outages.Count, inGrid, grid.Count, lift, Sentence(kind, preceded, outages.Count, lift)));
        }
        return new CorrelationReport(window, start, end, perOutage, [.. lifts.OrderByDescending(l => l.Lift).ThenBy(l => l.Kind)]);
    }

    private static string Sentence(EventKind kind, int preceded, int outages, double lift)
    {
        string name = kind.Name().Replace('_', ' ');
        if (outages == 0)
        {
            return $"{name}: no outages recorded yet";
        }
        if (preceded == 1 && outages > 1)
        {
            return $"{name} preceded 1 of {outages} outages: once is too few to tell";
        }
        if (preceded > 0 && lift >= RelatedLift)
        {
            return $"{name} preceded {preceded} of {outages} outage{(outages == 1 ? "" : "s")} (lift {lift:0.0})";
        }
        return preceded == 0
            ? $"{name} never preceded an outage: unrelated to your outages"
            : $"{name} preceded {preceded} of {outages} outages but is as common at other times (lift {lift:0.0}): unrelated to your outages";
    }

    private static Dictionary<EventKind, long> CountIn(List<(DateTime Time, EventKind Kind, long Weight)> sorted, DateTime[] times, DateTime from, DateTime to)
    {
        var counts = new Dictionary<EventKind, long>();
        int i = Array.BinarySearch(times, from);
        if (i < 0)
        {
            i = ~i;
        }
        while (i > 0 && times[i - 1] == from)
        {
            i--;
        }
        for (; i < sorted.Count && sorted[i].Time < to; i++)
        {
            counts[sorted[i].Kind] = counts.GetValueOrDefault(sorted[i].Kind) + sorted[i].Weight;
        }
        return counts;
    }

    private static DateTime Min(DateTime a, DateTime b) => a == default ? b : b == default ? a : a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
