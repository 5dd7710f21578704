using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>Folds one peer's events (in time order) into <see cref="PeerEpisode"/>s: what <c>uncloak peer ADDR</c> shows per kind.</summary>
public static class PeerEpisodes
{
    /// <summary>Events of a kind further apart than this start a new episode (treason lines are grouped by stall instead).</summary>
    public static readonly TimeSpan Gap = TimeSpan.FromMinutes(5);

    /// <summary>Episodes ordered by first time; events without a wall-clock time are skipped (counted by the caller).</summary>
    public static List<PeerEpisode> Fold(IEnumerable<NetEvent> events)
    {
        var stalls = new Dictionary<(ushort PeerPort, ushort LocalPort, uint SndUna), int>();
        var open = new Dictionary<EventKind, int>();
        var list = new List<PeerEpisode>();
        foreach (var ev in events)
        {
            if (!ev.HasTime)
            {
                continue;
            }
            if (ev.Kind == EventKind.Treason)
            {
                var key = (ev.PeerPort, ev.LocalPort, ev.SeqFrom);
                if (stalls.TryGetValue(key, out int at))
                {
                    list[at] = Extend(list[at], ev.Time);
                    continue;
                }
                stalls[key] = list.Count;
                list.Add(new PeerEpisode(ev.Kind, ev.LocalPort, ev.Time, ev.Time, 1));
                continue;
            }
            if (open.TryGetValue(ev.Kind, out int i) && ev.Time - list[i].Last <= Gap)
            {
                list[i] = Extend(list[i], ev.Time);
                continue;
            }
            open[ev.Kind] = list.Count;
            list.Add(new PeerEpisode(ev.Kind, ev.LocalPort, ev.Time, ev.Time, 1));
        }
        list.Sort((a, b) => a.First.CompareTo(b.First));
        return list;
    }

    private static PeerEpisode Extend(PeerEpisode e, DateTime t)
        => e with { First = t < e.First ? t : e.First, Last = t > e.Last ? t : e.Last, Events = e.Events + 1 };
}
