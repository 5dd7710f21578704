using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// The one definition of "a disruption the log shows", shared by <c>analyze</c> (the report's disruptions and its
/// correlation finding) and <c>report</c> (the outages that stand in when no probe recorded any), so both name the same
/// windows on the same data. What disrupts is each family's business (<see cref="Messages.MessageFamily"/>'s replay):
/// a link down until its link up (or the end of the log), a transmit hang or watchdog reset, a full conntrack table,
/// SYNs dropped with cookies off, too many orphans, a neighbour table overflow, TCP out of memory. A signal's window
/// opens at the line that shows it — what came before is the lead-up the correlation looks at, not the disruption —
/// and stays open for the family's hold after it. Signals whose windows are at most <see cref="MergeGap"/> apart are
/// one disruption (a hang, its watchdog and the link flap are one outage).
/// </summary>
public static class DisruptionTimeline
{
    /// <summary>Windows closer than this are one disruption.</summary>
    public static readonly TimeSpan MergeGap = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Event kinds whose lines can open a disruption: they define the windows, so the correlation never ranks them as
    /// their own cause.
    /// </summary>
    public static IReadOnlySet<EventKind> Kinds { get; } = new HashSet<EventKind>
    {
        EventKind.NicLink, EventKind.NicHang, EventKind.NetdevWatchdog, EventKind.ConntrackFull, EventKind.SynFlood,
        EventKind.TooManyOrphans, EventKind.NeighbourOverflow, EventKind.TcpOutOfMemory,
    };

    /// <summary>
    /// The merged disruptions of <paramref name="events"/> (any order; kinds that never disrupt are ignored), with a link
    /// still down at <paramref name="logEnd"/> open until then. Events without a clock open none.
    /// </summary>
    public static IReadOnlyList<Disruption> From(IEnumerable<NetEvent> events, DateTime? logEnd)
    {
        var rare = new RareRuns();
        foreach (var ev in events)
        {
            if (Kinds.Contains(ev.Kind))
            {
                rare.AddWhole(ev, 1);
            }
        }
        return Merge(RareHistory.Replay(rare, logEnd).Disruptions);
    }

    /// <summary>Merges signal windows (any order) into disruptions sorted by start; windows without a clock are dropped.</summary>
    public static IReadOnlyList<Disruption> Merge(IEnumerable<(DateTime Start, DateTime End, string Cause, long Signals)> signals)
    {
        var merged = new List<Disruption>();
        var causes = new List<string>();
        foreach (var (start, end, cause, count) in signals.Where(s => s.Start != default).OrderBy(s => s.Start).ThenBy(s => s.End))
        {
            if (merged.Count > 0 && start - merged[^1].End <= MergeGap)
            {
                var last = merged[^1];
                if (!causes.Contains(cause))
                {
                    causes.Add(cause);
                }
                merged[^1] = last with { End = end > last.End ? end : last.End, Cause = string.Join(", ", causes), Signals = last.Signals + count };
                continue;
            }
            causes = [cause];
            merged.Add(new Disruption(start, end, cause, count));
        }
        return merged;
    }
}
