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
/// and the last line). The row keeps the first line's offset, fields and text. Each reader collapses its own lines, so
/// the message text is copied once per run, not once per line. Not thread-safe: one per reader.
/// </summary>
public sealed class EventRuns
{
    /// <summary>Open runs kept at most; past it all are written (a minute may then span two rows, which reads the same).</summary>
    public const int Limit = 4096;

    /// <summary>The longest message text a row keeps, in bytes.</summary>
    public const int MaxText = 1024;

    private readonly Dictionary<RunKey, EventRun> _open = [];
    private readonly RunTexts _texts = new();

    // The open runs last looked up, by a slot of their key: the repetitive kinds interleave line by line (conntrack,
    // orphans, SYN flood on a few listeners), and hashing the key for every line was most of Add (as in the analysis's
    // RareRuns). A slot holds a run _open holds under the slot's key, or nothing; Drain empties both.
    // 64: a flooded host's listeners and actions alone are 16 keys a minute on the dense corpus.
    private readonly (RunKey Key, EventRun? Run)[] _recent = new (RunKey, EventRun?)[64];

    // Runs already drained, reused for the next ones: a run lives for minutes of log, long enough to be promoted, so
    // each new one was an object for a later, costlier collection.
    private readonly Stack<EventRun> _spare = [];

    /// <summary>Kinds collapsed into runs.</summary>
    public static bool Collapses(EventKind kind)
        => kind is EventKind.ConntrackFull or EventKind.TcpOutOfMemory or EventKind.TooManyOrphans or EventKind.NeighbourOverflow or EventKind.SynFlood;

    public int Count => _open.Count;

    /// <summary>
    /// Adds a line of a collapsed kind with its message (copied only when it opens a run); false when it has no clock
    /// to place it in a minute (store it as a row).
    /// </summary>
    public bool Add(in NetEvent ev, ReadOnlySpan<byte> message)
    {
        bool uptime = !ev.HasTime;
        if (uptime && ev.UptimeMicros < 0)
        {
            return false;
        }
        long clock = Clock(ev);
        long minute = uptime ? clock / 60_000_000 : clock / 60_000;
        var key = new RunKey(ev.Position.SourceId, ev.Kind, ev.Form, ev.Local, ev.LocalPort, uptime, minute);
        ref var recent = ref _recent[RecentSlot(key)];
        if (recent.Run is null || !recent.Key.Same(key))
        {
            ref var open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
            if (!exists)
            {
                open = Open(ev, _texts.Get(message), clock);
                recent = (key, open);
                return true;
            }
            recent = (key, open);
        }
        var run = recent.Run!;
        run.Count++;
        run.Last = Math.Max(run.Last, clock);
        if (ev.Position.Offset < run.First.Position.Offset)
        {
            // Parallel readers hand batches over out of order: the row is keyed by its earliest line.
            run.First = ev;
            run.Text = _texts.Get(message);
        }
        return true;
    }

    private EventRun Open(in NetEvent ev, string text, long clock)
    {
        if (!_spare.TryPop(out var run))
        {
            return new EventRun(ev, text, 1, clock);
        }
        run.First = ev;
        run.Text = text;
        run.Count = 1;
        run.Last = clock;
        return run;
    }

    private static int RecentSlot(in RunKey key)
        => (int)(((uint)key.Kind * 5 + key.Form * 3u + key.LocalPort + (uint)key.Local.Low + (uint)key.Source * 7) * 0x9E3779B1u >> 26);

    /// <summary>
    /// Every open run as the row to store (weight and last time when it holds more than one line), the SYN-flood runs
    /// of one source and minute as one row (<see cref="ListenerRuns"/>), each with its own copy of what it encodes;
    /// emptied once drained.
    /// </summary>
    public IEnumerable<StoredEvent> Drain()
    {
        var rows = new List<StoredEvent>(Count);
        Drain(rows, new RowArena());
        return rows;
    }

    /// <summary>
    /// Adds every open run to <paramref name="into"/> as the row to store, as <see cref="Drain()"/> gives them, what the
    /// SYN-flood rows encode copied into <paramref name="arena"/> (valid until the arena is reset), and empties this for
    /// the next runs. Nothing is allocated once the tables have grown: the grouping of SYN-flood runs by minute and the
    /// rows' encodings were a list, an array and an enumerator per minute at every drain (issue 18, item 6).
    /// </summary>
    public void Drain(List<StoredEvent> into, RowArena arena)
    {
        foreach (var (key, run) in _open)
        {
            if (key.Kind != EventKind.SynFlood)
            {
                into.Add(Row(run));
                continue;
            }
            ref var minute = ref CollectionsMarshal.GetValueRefOrAddDefault(_synFlood, (key.Source, key.Uptime, key.Minute), out _);
            (minute ??= _spareLists.TryPop(out var list) ? list : []).Add(run);
        }
        foreach (var runs in _synFlood.Values)
        {
            ListenerRuns.AddRows(runs, into, arena, ref _encoded);
            runs.Clear();
            _spareLists.Push(runs);
        }
        _synFlood.Clear();
        foreach (var run in _open.Values)
        {
            _spare.Push(run);
        }
        _open.Clear();
        Array.Clear(_recent);
    }

    // The SYN-flood runs of a drain by source, clock and minute, with the lists they were gathered in and the buffer one
    // minute's row is encoded in, kept from drain to drain.
    private readonly Dictionary<(int Source, bool Uptime, long Minute), List<EventRun>> _synFlood = [];
    private readonly Stack<List<EventRun>> _spareLists = [];
    private byte[] _encoded = [];

    /// <summary>The row one run is stored as.</summary>
    internal static StoredEvent Row(EventRun run) => new(run.First, run.Count, run.Text, run.Count > 1 ? run.Last : null);

    /// <summary>The text a row keeps: at most 1 KiB of the message.</summary>
    public static string Text(ReadOnlySpan<byte> message) => System.Text.Encoding.UTF8.GetString(message[..Math.Min(message.Length, MaxText)]);

    /// <summary>The time the store keeps for a line: unix milliseconds, or uptime microseconds when it has no date.</summary>
    public static long Clock(in NetEvent ev)
    {
        if (!ev.HasTime)
        {
            return ev.UptimeMicros;
        }
        // The framers give UTC times: counted from the epoch directly, without the DateTimeOffset a line (which asks
        // for a zone offset); any other kind goes the long way and means what it meant.
        return ev.Time.Kind == DateTimeKind.Utc
            ? ev.Time.Ticks / TimeSpan.TicksPerMillisecond - UnixEpochMillis
            : new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds();
    }

    private const long UnixEpochMillis = 62_135_596_800_000;

    private readonly record struct RunKey(int Source, EventKind Kind, byte Form, NetAddress Local, ushort LocalPort, bool Uptime, long Minute)
    {
        /// <summary>Equality field by field, without the record's comparer calls.</summary>
        public bool Same(in RunKey other)
            => Minute == other.Minute && LocalPort == other.LocalPort && Kind == other.Kind && Form == other.Form && Source == other.Source
                && Uptime == other.Uptime && Local.Equals(other.Local);
    }
}
