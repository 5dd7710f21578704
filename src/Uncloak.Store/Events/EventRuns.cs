using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Collapses the repetitive rare kinds (conntrack-full, out-of-memory, orphans, neighbour overflow, SYN-flood) into one
/// row per source, kind, form, listener, clock and minute, with the count and the last line's time: a misbehaving host
/// logs hundreds of thousands of them, and a row each with its text made the store writer the bottleneck (issue 18,
/// item 6). Reports stay the same: these kinds add a count per minute and a disruption window per line, and the lines
/// of one minute are within the replay's merge gap of each other, so their windows merge into one from the first line's
/// to the last's, which the row keeps (<see cref="EventReader"/> gives it back as the first line weighted count − 1
/// and the last line). The row keeps the first line's offset, fields and text. Not thread-safe: one per writer.
/// </summary>
internal sealed class EventRuns
{
    /// <summary>Open runs kept at most; past it all are written (a minute may then span two rows, which reads the same).</summary>
    public const int Limit = 4096;

    private readonly Dictionary<RunKey, EventRun> _open = [];

    /// <summary>Kinds collapsed into runs.</summary>
    public static bool Collapses(EventKind kind)
        => kind is EventKind.ConntrackFull or EventKind.TcpOutOfMemory or EventKind.TooManyOrphans or EventKind.NeighbourOverflow or EventKind.SynFlood;

    public int Count => _open.Count;

    /// <summary>Adds a line of a collapsed kind; false when it has no clock to place it in a minute (store it as a row).</summary>
    public bool Add(in NetEvent ev, string? text)
    {
        bool uptime = !ev.HasTime;
        if (uptime && ev.UptimeMicros < 0)
        {
            return false;
        }
        long clock = Clock(ev);
        long minute = uptime ? clock / 60_000_000 : clock / 60_000;
        var key = new RunKey(ev.Position.SourceId, ev.Kind, ev.Form, ev.Local, ev.LocalPort, uptime, minute);
        ref var run = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
        if (!exists)
        {
            run = new EventRun(ev, text, 1, clock);
            return true;
        }
        run!.Count++;
        run.Last = Math.Max(run.Last, clock);
        if (ev.Position.Offset < run.First.Position.Offset)
        {
            // Parallel readers hand batches over out of order: the row is keyed by its earliest line.
            run.First = ev;
            run.Text = text;
        }
        return true;
    }

    /// <summary>Every open run, emptied.</summary>
    public List<EventRun> Drain()
    {
        var runs = _open.Values.ToList();
        _open.Clear();
        return runs;
    }

    /// <summary>The time the store keeps for a line: unix milliseconds, or uptime microseconds when it has no date.</summary>
    public static long Clock(in NetEvent ev) => ev.HasTime ? new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds() : ev.UptimeMicros;

    private readonly record struct RunKey(int Source, EventKind Kind, byte Form, NetAddress Local, ushort LocalPort, bool Uptime, long Minute);
}
