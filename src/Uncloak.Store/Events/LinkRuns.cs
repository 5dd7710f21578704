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

    private readonly Dictionary<RunKey, LinkRun> _open = [];
    private readonly List<LinkRun> _closed = [];

    /// <summary>Minutes a run spans at most (the row's key period).</summary>
    public const int PeriodMinutes = 10;

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
        ref var run = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
        if (!exists)
        {
            run = new LinkRun(ev, EventRuns.Text(message), clock);
            return true;
        }
        if (!run!.Accepts(ev))
        {
            return false;
        }
        if (run.Length > RowBytes - LinkLines.MaxLine)
        {
            _closed.Add(run);
            run = new LinkRun(ev, EventRuns.Text(message), clock);
            return true;
        }
        run.Append(ev, clock);
        return true;
    }

    /// <summary>Every run, closed then open, as the row to store; emptied once the rows have been enumerated (see <see cref="EventRuns.Drain"/>).</summary>
    public IEnumerable<StoredEvent> Drain()
    {
        foreach (var run in _closed)
        {
            yield return run.Row();
        }
        foreach (var run in _open.Values)
        {
            yield return run.Row();
        }
        _closed.Clear();
        _open.Clear();
    }

    private readonly record struct RunKey(int Source, string? Interface, string? Driver, bool Uptime, long Period);

    /// <summary>The first line whole, the others as differences (<see cref="LinkLines"/>).</summary>
    private sealed class LinkRun
    {
        private readonly NetEvent _first;
        private readonly string _text;
        private readonly long _firstClock;
        private long _lastOffset;
        private long _lastClock;
        private long _count = 1;
        private byte[] _lines = [];
        private int _length;
        // Lines per unix minute, in the order first met, for the timeline (dated runs only).
        private List<(long Minute, long Count)>? _minutes;

        public int Length => _length;

        public LinkRun(in NetEvent first, string text, long clock)
        {
            _first = first;
            _text = text;
            _firstClock = clock;
            _lastClock = clock;
            _lastOffset = first.Position.Offset;
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
            if (_minutes is null)
            {
                _minutes = [(TimelineCounts.UnixMinute(_first.Time), 1)];
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

        public StoredEvent Row() => _count == 1
            ? new StoredEvent(_first, 1, _text)
            : new StoredEvent(_first, _count, _text, _lastClock, _lines.AsMemory(0, _length),
                _minutes is null ? default : CollectionsMarshal.AsSpan(_minutes).ToArray());
    }
}
