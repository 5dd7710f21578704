using System.Runtime.InteropServices;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Events;

/// <summary>
/// Collapses NIC link lines of one source, interface and ten minutes into one row: a flapping NIC logs hundreds of
/// thousands of them, and a row each with its text was most of the store writer's work on a dense log (issue 18, item 6). Unlike
/// the kinds <see cref="EventRuns"/> collapses, every link line matters to the report (its down→up order pairs flaps,
/// each flap is listed with its times), so the row keeps them all: the first line whole with its text, the others in
/// the row's <c>lines</c> column (migration 44) as what differs (offset, time, uptime, state, speed, duplex, flow control; <see cref="LinkLines"/>),
/// which <see cref="EventReader"/> expands back into the lines. A line that differs in anything else (another host, a
/// peer) or comes before the run's last offset is stored as its own row. Not thread-safe: one per reader.
/// </summary>
/// <remarks>
/// Ten minutes, not one, and up to <see cref="RowBytes"/> of lines (branch `rows`): since every line is kept, the span of a
/// row only sets how many rows there are — a minute each was 33,000 of the 127,000 events rows of a 2 M-line dense log,
/// each with its text and body — and how far the lines read back from the store stand from their place in the file (the
/// report's replay sorts what comes out of time order). The dashboard's per-minute counts come with the row
/// (<see cref="StoredEvent.Minutes"/>).
/// </remarks>
public sealed class LinkRuns
{
    /// <summary>Runs kept at most; past it all are written (a period may then span two rows, which reads the same).</summary>
    public const int Limit = 1024;

    /// <summary>
    /// Encoded line bytes a row holds at most: past it the run is closed and the next line opens another. A row that
    /// big still fits in its B-tree page (SQLite moves a payload of more than about 1,000 bytes of a 4 KiB page to an
    /// overflow page of its own: a 1.5 KB row of lines took a whole extra page, and ten-minute runs without this bound
    /// made the store of a 2 M-line dense log a quarter bigger, 32.4 MB against 26.1, not smaller).
    /// </summary>
    public const int RowBytes = 800;

    /// <summary>Minutes a run spans at most (the row's key period).</summary>
    public const int PeriodMinutes = 10;

    private readonly Dictionary<RunKey, LinkRun> _open = [];
    private readonly List<LinkRun> _closed = [];
    private readonly RunTexts _texts = new();

    // The open runs last looked up, by a slot of their interface: a flapping NIC's lines follow each other, and the key
    // hashes two strings. A slot holds a run _open holds under the slot's key, or nothing; Drain empties both.
    private readonly (RunKey Key, LinkRun? Run)[] _recent = new (RunKey, LinkRun?)[8];

    // Runs already drained, reused for the next ones (see EventRuns).
    private readonly Stack<LinkRun> _spare = [];

    /// <summary>Runs held, open and closed at <see cref="RowBytes"/> (so what they hold is at most <see cref="Limit"/> × <see cref="RowBytes"/> of lines).</summary>
    public int Count => _open.Count + _closed.Count;

    /// <summary>Adds a link line with its message (copied only when it opens a run); false when it must be a row of its own.</summary>
    public bool Add(in NetEvent ev, ReadOnlySpan<byte> message)
    {
        if (ev.Kind != EventKind.NicLink || (!ev.HasTime && ev.UptimeMicros < 0))
        {
            return false;
        }
        long clock = EventRuns.Clock(ev);
        bool uptime = !ev.HasTime;
        var key = new RunKey(ev.Position.SourceId, ev.Interface, ev.Driver, uptime, uptime ? clock / (PeriodMinutes * 60_000_000L) : clock / (PeriodMinutes * 60_000L));
        ref var recent = ref _recent[RecentSlot(key)];
        if (recent.Run is null || !recent.Key.Same(key))
        {
            ref var open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
            if (!exists)
            {
                open = Start(ev, message, clock);
                recent = (key, open);
                return true;
            }
            recent = (key, open);
        }
        var run = recent.Run!;
        if (!run.Accepts(ev))
        {
            return false;
        }
        if (run.Length > RowBytes - LinkLines.MaxLine)
        {
            _closed.Add(run);
            var next = Start(ev, message, clock);
            _open[key] = next;
            recent = (key, next);
            return true;
        }
        run.Append(ev, clock);
        return true;
    }

    private LinkRun Start(in NetEvent ev, ReadOnlySpan<byte> message, long clock)
    {
        var run = _spare.TryPop(out var spare) ? spare : new LinkRun();
        run.Start(ev, _texts.Get(message), clock);
        return run;
    }

    private static int RecentSlot(in RunKey key)
        => (int)((uint)(key.Interface?.Length ?? 0) * 5 + (uint)(key.Interface is { Length: > 0 } name ? name[^1] : 0) + (uint)key.Source * 3) & 7;

    /// <summary>Every run, closed then open, as the row to store, each with its own copies of its lines; emptied once drained.</summary>
    public IEnumerable<StoredEvent> Drain()
    {
        var rows = new List<StoredEvent>(Count);
        Drain(rows, new RowArena());
        return rows;
    }

    /// <summary>
    /// Adds every run, closed then open, to <paramref name="into"/> as the row to store, its lines and minutes copied into
    /// <paramref name="arena"/> (valid until the arena is reset), and empties this for the next runs.
    /// </summary>
    public void Drain(List<StoredEvent> into, RowArena arena)
    {
        foreach (var run in _closed)
        {
            into.Add(run.Row(arena));
            _spare.Push(run);
        }
        foreach (var run in _open.Values)
        {
            into.Add(run.Row(arena));
            _spare.Push(run);
        }
        _closed.Clear();
        _open.Clear();
        Array.Clear(_recent);
    }

    private readonly record struct RunKey(int Source, string? Interface, string? Driver, bool Uptime, long Period)
    {
        /// <summary>Equality field by field; the parsers pool device names, so the strings compare by reference first.</summary>
        public bool Same(in RunKey other)
            => Period == other.Period && Source == other.Source && Uptime == other.Uptime
                && string.Equals(Interface, other.Interface) && string.Equals(Driver, other.Driver);
    }

    /// <summary>
    /// The first line whole, the others as differences (<see cref="LinkLines"/>), encoded into the run's own buffer and
    /// copied at their exact length into the drain's <see cref="RowArena"/> when the row is made (the run's buffer, grown
    /// by doubling, is two to four times the row's bytes). Reused with its buffer once drained.
    /// </summary>
    private sealed class LinkRun
    {
        private NetEvent _first;
        private string _text = "";
        private long _firstClock;
        private long _lastOffset;
        private long _lastClock;
        private long _count;
        private byte[] _lines = [];
        private int _length;
        // Lines per unix minute, in the order first met, for the timeline (dated runs only; empty until a second line).
        private readonly List<(long Minute, long Count)> _minutes = [];

        public int Length => _length;

        public void Start(in NetEvent first, string text, long clock)
        {
            _first = first;
            _text = text;
            _firstClock = clock;
            _lastClock = clock;
            _lastOffset = first.Position.Offset;
            _count = 1;
            _length = 0;
            _minutes.Clear();
        }

        /// <summary>True when <paramref name="ev"/> can join this run: after its last line, and differing only in what a line keeps.</summary>
        public bool Accepts(in NetEvent ev)
            => ev.Position.Offset > _lastOffset && ev.LocalPort == _first.LocalPort && ev.Peer.Equals(_first.Peer) && LinkLines.SameShape(ev, _first);

        /// <summary>Adds a line <see cref="Accepts"/> took.</summary>
        public void Append(in NetEvent ev, long clock)
        {
            if (_lines.Length - _length < LinkLines.MaxLine)
            {
                Array.Resize(ref _lines, Math.Max(256, _lines.Length * 2));
            }
            _length += LinkLines.Write(_lines.AsSpan(_length), ev, ev.Position.Offset - _lastOffset, clock - _firstClock, ev.UptimeMicros - _first.UptimeMicros);
            _lastOffset = ev.Position.Offset;
            _lastClock = Math.Max(_lastClock, clock);
            _count++;
            if (ev.HasTime)
            {
                CountMinute(TimelineCounts.UnixMinute(ev.Time));
            }
        }

        private void CountMinute(long minute)
        {
            if (_minutes.Count == 0)
            {
                _minutes.Add((TimelineCounts.UnixMinute(_first.Time), 1));
            }
            var span = CollectionsMarshal.AsSpan(_minutes);
            for (int i = span.Length - 1; i >= 0; i--)
            {
                if (span[i].Minute == minute)
                {
                    span[i].Count++;
                    return;
                }
            }
            _minutes.Add((minute, 1));
        }

        /// <summary>The row to store, its lines and minutes copied into <paramref name="arena"/> (the run is reused after a drain).</summary>
        public StoredEvent Row(RowArena arena) => _count == 1
            ? new StoredEvent(_first, 1, _text)
            : new StoredEvent(_first, _count, _text, _lastClock, arena.Copy(_lines.AsSpan(0, _length)), arena.Copy(CollectionsMarshal.AsSpan(_minutes)));
    }
}
