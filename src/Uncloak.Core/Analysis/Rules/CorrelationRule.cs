using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>
/// Disruption episodes (the merged windows of <see cref="DisruptionTimeline"/>, the same <c>report</c> uses) and, for every event kind, how often it fell in the <see cref="Reasoner.Lookback"/> before one compared with
/// how much of the log's time those windows cover: lift 1 means no relation, well above 1 a relation.
/// </summary>
public sealed class CorrelationRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        if (r.Disruptions.Count == 0 || r.First is not { } first || r.Last is not { } last || last <= first)
        {
            return;
        }
        var episodes = r.Disruptions.Select(d => (d.Start, d.End)).ToList();
        var before = Merge(episodes.Select(e => (e.Start - Reasoner.Lookback, e.Start)).ToList());
        double covered = before.Sum(w => (Min(w.End, last) - Max(w.Start, first)).TotalSeconds);
        double coverage = Math.Clamp(covered / (last - first).TotalSeconds, 1e-6, 1);
        // One pass over the (kind, minute) counts, tallied per kind: grouping them first copied every minute of a long
        // log into per-kind lists grown by doubling, large objects that forced full collections in the report's tail.
        var tallies = new Dictionary<EventKind, KindTally>();
        foreach (var ((kind, minute), count) in r.Minutes)
        {
            if (DisruptionTimeline.Kinds.Contains(kind))
            {
                continue; // they define the disruptions
            }
            if (!tallies.TryGetValue(kind, out var tally))
            {
                tallies[kind] = tally = new KindTally(episodes.Count);
            }
            tally.All += count;
            // Both lists are sorted and disjoint: binary searches keep this linear in minutes, not minutes × disruptions.
            var t = TimeOfMinute(minute, r.Clock);
            for (int e = FirstStartingAfter(episodes, t); e < episodes.Count && episodes[e].Start - Reasoner.Lookback <= t; e++)
            {
                tally.Hit[e] = true;
            }
            int w = FirstStartingAfter(before, t) - 1;
            if (w >= 0 && t < before[w].End)
            {
                tally.Inside += count;
            }
        }
        var lines = new List<string>();
        var related = new List<string>();
        foreach (var (kind, tally) in tallies.OrderBy(k => k.Key))
        {
            var (all, inside, hit) = (tally.All, tally.Inside, tally.Hit);
            int preceded = hit.Count(h => h);
            double lift = all == 0 ? 0 : inside / (double)all / coverage;
            string verdict = lift >= 2 && preceded >= Math.Min(2, episodes.Count) ? "related" : lift <= 1.5 ? "unrelated" : "weakly related";
            if (verdict == "related")
            {
                related.Add(kind.Name());
            }
            lines.Add($"{kind.Name()}: in the {Reasoner.Lookback.TotalMinutes:0} min before {preceded} of {episodes.Count} disruption(s); {Pct(inside / (double)Math.Max(1, all))} of its events fall in those windows (lift {lift:0.0}) — {verdict}.");
        }
        if (lines.Count == 0)
        {
            return;
        }
        findings.Add(new Finding("correlation", Severity.Info, "What happened before the disruptions",
            related.Count > 0
                ? $"{string.Join(", ", related)} came before the disruptions far more often than chance; the other kinds did not."
                : "No event kind came before the disruptions more often than chance: they are unrelated to what else the log shows.")
        {
            Evidence = lines,
            Reasoning =
            [
                $"Disruptions seen in the log itself: {episodes.Count} episode(s) from {r.Disruptions.Sum(d => d.Signals)} signal(s) ({string.Join("; ", r.Disruptions.Select(d => d.Cause).Distinct())}).",
                $"The {Reasoner.Lookback.TotalMinutes:0} minutes before them cover {Pct(coverage)} of the log's time; a kind unrelated to them falls there about that often (lift ≈ 1).",
            ],
            Advice = ["With a live probe, `uncloak watch` records real outages and `uncloak report` repeats this against them."],
        });
    }

    private sealed class KindTally(int episodes)
    {
        public long All;
        public long Inside;
        public readonly bool[] Hit = new bool[episodes];
    }

    private static DateTime TimeOfMinute(long minute, string clock)
        => clock == "wall" ? new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc) : DateTime.UnixEpoch.AddMinutes(minute);

    private static List<(DateTime Start, DateTime End)> Merge(List<(DateTime Start, DateTime End)> windows)
    {
        var merged = new List<(DateTime Start, DateTime End)>();
        foreach (var w in windows.OrderBy(w => w.Start))
        {
            if (merged.Count > 0 && w.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Max(merged[^1].End, w.End));
            }
            else
            {
                merged.Add(w);
            }
        }
        return merged;
    }

    /// <summary>True when a driver reset (sorted <paramref name="resets"/>) came at most 60 s before <paramref name="down"/>.</summary>
    private static bool FollowsReset(DateTime down, List<DateTime> resets)
    {
        int i = resets.BinarySearch(down);
        int latest = i >= 0 ? i : ~i - 1; // the last reset at or before the link went down
        return latest >= 0 && down - resets[latest] <= TimeSpan.FromSeconds(60);
    }

    /// <summary>Index of the first window starting after <paramref name="t"/> in a list sorted by start.</summary>
    private static int FirstStartingAfter(List<(DateTime Start, DateTime End)> sorted, DateTime t)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Start <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
