using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// The rare events a reader keeps for the replay (<see cref="RareHistory"/>), with the repetitive kinds collapsed as they
/// arrive: a log from a misbehaving host holds hundreds of thousands of conntrack-full, out-of-memory, orphan and
/// SYN-flood lines, and keeping each as a <see cref="NetEvent"/> until the end was the analysis's memory peak. Lines of
/// one kind, form and listener that follow each other within <see cref="DisruptionTimeline.MergeGap"/> become one run
/// (first event, last time, count). The report is the same as with every line kept: what these kinds add in the replay
/// is a count (SYN-flood listeners) and a disruption window per line, and a run's windows are connected (each opens
/// at most the merge gap after the previous one), so their merge is the run's hull whichever way the lines were split
/// into runs (parallel readers, the store). Link, hang and watchdog lines are kept whole: their order pairs flaps and
/// resets. Not thread-safe: one per reader.
/// </summary>
internal sealed class RareRuns
{
    /// <summary>Runs kept at most per reader: a hostile log cannot grow the replay without bound.</summary>
    public const int Limit = 200_000;

    private readonly Dictionary<RunKey, int> _open = [];

    public List<RareRun> Runs { get; } = [];

    public void Add(in NetEvent ev, long weight)
    {
        if (!Collapses(ev.Kind))
        {
            if (Runs.Count < Limit)
            {
                Runs.Add(new RareRun(ev, weight));
            }
            return;
        }
        var key = new RunKey(ev.Kind, ev.Form, ev.Local, ev.LocalPort, ev.Position.SourceId);
        var time = RareRun.TimeOf(ev);
        ref int open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
        if (exists)
        {
            ref var run = ref CollectionsMarshal.AsSpan(Runs)[open];
            if (time >= run.Last && time - run.Last <= DisruptionTimeline.MergeGap)
            {
                run.Last = time;
                run.Count += weight;
                return;
            }
        }
        if (Runs.Count >= Limit)
        {
            if (!exists)
            {
                _open.Remove(key);
            }
            return;
        }
        open = Runs.Count;
        Runs.Add(new RareRun(ev, weight));
    }

    /// <summary>Takes in another reader's runs (they are not extended further).</summary>
    public void Merge(RareRuns other)
    {
        // Grown by half, not doubled: the old array of hundreds of thousands of runs lives while the new one fills.
        int needed = Runs.Count + other.Runs.Count;
        if (needed > Runs.Capacity)
        {
            Runs.Capacity = Math.Max(needed, Runs.Capacity + Runs.Capacity / 2);
        }
        Runs.AddRange(other.Runs);
    }

    /// <summary>Kinds whose replay only counts and opens a disruption per line.</summary>
    private static bool Collapses(EventKind kind)
        => kind is EventKind.ConntrackFull or EventKind.TcpOutOfMemory or EventKind.TooManyOrphans or EventKind.NeighbourOverflow or EventKind.SynFlood;

    private readonly record struct RunKey(EventKind Kind, byte Form, NetAddress Local, ushort LocalPort, int Source);
}
