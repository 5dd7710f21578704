using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Collapses NIC link lines of one source, interface and minute into one row: a flapping NIC logs hundreds of thousands
/// of them, and a row each with its text was most of the store writer's work on a dense log (issue 18, item 6). Unlike
/// the kinds <see cref="EventRuns"/> collapses, every link line matters to the report (its down→up order pairs flaps,
/// each flap is listed with its times), so the row keeps them all: the first line whole with its text, the others in
/// the row's <c>lines</c> column (migration 44) as what differs (offset, time, uptime, state, speed, duplex, flow control; <see cref="LinkLines"/>),
/// which <see cref="EventReader"/> expands back into the lines. A line that differs in anything else (another host, a
/// peer) or comes before the run's last offset is stored as its own row. Not thread-safe: one per reader.
/// </summary>
public sealed class LinkRuns
{
    /// <summary>Open runs kept at most; past it all are written (a minute may then span two rows, which reads the same).</summary>
    public const int Limit = 1024;

    private readonly Dictionary<RunKey, LinkRun> _open = [];
    private readonly RunTexts _texts = new();

    // The open runs last looked up, by a slot of their interface: a flapping NIC's lines follow each other, and the key
    // hashes two strings. A slot holds a run _open holds under the slot's key, or nothing; Drain empties both.
    private readonly (RunKey Key, LinkRun? Run)[] _recent = new (RunKey, LinkRun?)[8];

    // Runs already drained, reused for the next ones (see EventRuns).
    private readonly Stack<LinkRun> _spare = [];

    public int Count => _open.Count;

    /// <summary>Adds a link line with its message (copied only when it opens a run); false when it must be a row of its own.</summary>
    public bool Add(in NetEvent ev, ReadOnlySpan<byte> message)
    {
        if (ev.Kind != EventKind.NicLink || (!ev.HasTime && ev.UptimeMicros < 0))
        {
            return false;
        }
        long clock = EventRuns.Clock(ev);
        bool uptime = !ev.HasTime;
        var key = new RunKey(ev.Position.SourceId, ev.Interface, ev.Driver, uptime, uptime ? clock / 60_000_000 : clock / 60_000);
        ref var recent = ref _recent[RecentSlot(key)];
        if (recent.Run is null || !recent.Key.Same(key))
        {
            ref var open = ref CollectionsMarshal.GetValueRefOrAddDefault(_open, key, out bool exists);
            if (!exists)
            {
                open = _spare.TryPop(out var spare) ? spare : new LinkRun();
                open.Start(ev, _texts.Get(message), clock);
                recent = (key, open);
                return true;
            }
            recent = (key, open);
        }
        return recent.Run!.Append(ev, clock);
    }

    private static int RecentSlot(in RunKey key)
        => (int)((uint)(key.Interface?.Length ?? 0) * 5 + (uint)(key.Interface is { Length: > 0 } name ? name[^1] : 0) + (uint)key.Source * 3) & 7;

    /// <summary>Every open run as the row to store; emptied once the rows have been enumerated (see <see cref="EventRuns.Drain"/>).</summary>
    public IEnumerable<StoredEvent> Drain()
    {
        foreach (var run in _open.Values)
        {
            yield return run.Row();
        }
        foreach (var run in _open.Values)
        {
            _spare.Push(run);
        }
        _open.Clear();
        Array.Clear(_recent);
    }

    private readonly record struct RunKey(int Source, string? Interface, string? Driver, bool Uptime, long Minute)
    {
        /// <summary>Equality field by field; the parsers pool device names, so the strings compare by reference first.</summary>
        public bool Same(in RunKey other)
            => Minute == other.Minute && Source == other.Source && Uptime == other.Uptime
                && string.Equals(Interface, other.Interface) && string.Equals(Driver, other.Driver);
    }

    /// <summary>
    /// The first line whole, the others as differences (<see cref="LinkLines"/>), encoded into the run's own buffer and
    /// copied out at the exact length when the row is made (a buffer grown by doubling per run left two to four times the
    /// row's bytes behind it). Reused with its buffer once drained.
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

        public void Start(in NetEvent first, string text, long clock)
        {
            _first = first;
            _text = text;
            _firstClock = clock;
            _lastClock = clock;
            _lastOffset = first.Position.Offset;
            _count = 1;
            _length = 0;
        }

        public bool Append(in NetEvent ev, long clock)
        {
            if (ev.Position.Offset <= _lastOffset || ev.LocalPort != _first.LocalPort || !ev.Peer.Equals(_first.Peer) || !LinkLines.SameShape(ev, _first))
            {
                return false;
            }
            if (_lines.Length - _length < LinkLines.MaxLine)
            {
                Array.Resize(ref _lines, Math.Max(256, _lines.Length * 2));
            }
            _length += LinkLines.Write(_lines.AsSpan(_length), ev, ev.Position.Offset - _lastOffset, clock - _firstClock, ev.UptimeMicros - _first.UptimeMicros);
            _lastOffset = ev.Position.Offset;
            _lastClock = Math.Max(_lastClock, clock);
            _count++;
            return true;
        }

        /// <summary>The row to store, with its own copy of the lines (the writer holds it after the run is reused).</summary>
        public StoredEvent Row() => _count == 1
            ? new StoredEvent(_first, 1, _text)
            : new StoredEvent(_first, _count, _text, _lastClock, _lines.AsSpan(0, _length).ToArray());
    }
}
