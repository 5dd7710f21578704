using System.Runtime.InteropServices;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Events;

/// <summary>
/// Encodes rows into an <see cref="EventBlock"/> as a reader stores them (see there for the layout); <see cref="Full"/>
/// past <see cref="TargetBytes"/>, then <see cref="Build"/> hands the block over and starts the next. A block holds one
/// source. Rows given in offset order make blocks that do not overlap, which keeps the ordered read of a store
/// (<see cref="EventReader.ReadAll"/>) to a few blocks at a time; any order reads back the same. Not thread-safe: one
/// per reader and stream of rows.
/// </summary>
public sealed class EventBlockBuilder
{
    /// <summary>
    /// Encoded bytes past which a block is full: a few hundred rows of a dense log. 60 KiB with the last row and the
    /// minutes is just under 64 KiB, which fills four overflow pages of a 16 KiB-page store (56 KiB blocks filled 3.4 of
    /// their four pages: the 2 M-line dense store was 1.3 MB bigger) and keeps the pooled array a block is handed over in
    /// a small object (the pool's next size, 128 KiB, is a large one).
    /// </summary>
    public const int TargetBytes = 60 * 1024;

    private byte[] _rows = new byte[TargetBytes + 4096];
    private int _length;
    private int _count;
    private int _source;
    private long _first = long.MaxValue, _last = long.MinValue, _previousOffset, _previousTime;
    private long? _firstMs, _lastMs;
    // The block's counts by minute and kind, keyed as they are sorted and written (TimelineCounts.SortKey).
    private readonly Dictionary<long, long> _minutes = [];
    private long[] _keys = [];
    private long[] _counts = [];
    private byte[] _head = [];

    // The texts written whole in this block, by their place among them (layout 2): a run's text comes back row after
    // row (a full conntrack table or the same SYN flood every minute, a link's flaps): 3.0 of the 16.5 MB of blocks of
    // the 2 M-line dense log, written again and again; a reference to the first is a byte or two.
    private readonly Dictionary<string, int> _texts = new(StringComparer.Ordinal);

    /// <summary>Rows encoded since the last <see cref="Build"/>.</summary>
    public int Count => _count;

    /// <summary>The source of the rows held (a row of another source needs a <see cref="Build"/> first).</summary>
    public int Source => _source;

    public bool Full => _length >= TargetBytes;

    /// <summary>Encodes <paramref name="row"/> with the timeline counts its write adds (as the rows' writer counted them).</summary>
    public void Append(in StoredEvent row)
    {
        var ev = row.Event;
        if (_count > 0 && ev.Position.SourceId != _source)
        {
            throw new InvalidOperationException("a block holds the rows of one source");
        }
        _source = ev.Position.SourceId;
        int textRef = -1;
        if (row.Text is { } written)
        {
            if (_texts.TryGetValue(written, out int earlier))
            {
                textRef = earlier;
            }
            else
            {
                _texts.Add(written, _texts.Count);
            }
        }
        int text = row.Text is { } t && textRef < 0 ? Encoding.UTF8.GetMaxByteCount(t.Length) : 0;
        Reserve(96 + EventPacking.MaxLength + text + row.Lines.Length); // 71 bytes of fixed fields at most
        var buf = _rows.AsSpan(_length);
        bool run = row.Weight != 1 && row.LastClock is not null; // as an events row keeps them: a run's columns together or none
        byte flags = (byte)((ev.HasTime ? EventBlock.HasTime : 0)
            | (ev.Peer.IsNone ? 0 : ev.Peer.IsV4 ? EventBlock.PeerV4 : EventBlock.PeerV6)
            | (row.Text is null ? 0 : EventBlock.HasText)
            | (textRef < 0 ? 0 : EventBlock.TextRef)
            | (run ? EventBlock.HasWeight | EventBlock.HasLastClock : 0)
            | (run && !row.Lines.IsEmpty ? EventBlock.HasLines : 0));
        int o = 0;
        buf[o++] = flags;
        o += VarInt.Write(buf[o..], VarInt.ZigZag(ev.Position.Offset - _previousOffset));
        _previousOffset = ev.Position.Offset;
        buf[o++] = (byte)ev.Kind;
        if (ev.HasTime)
        {
            long ms = new DateTimeOffset(ev.Time).ToUnixTimeMilliseconds();
            o += VarInt.Write(buf[o..], VarInt.ZigZag(ms - _previousTime));
            _previousTime = ms;
            _firstMs = Math.Min(_firstMs ?? long.MaxValue, ms);
            _lastMs = Math.Max(_lastMs ?? long.MinValue, ms);
        }
        if (!ev.Peer.IsNone)
        {
            o += EventBlock.WritePeer(ev.Peer, buf[o..]);
        }
        o += VarInt.Write(buf[o..], ev.LocalPort);
        int body = EventPacking.Pack(ev, buf[(o + 2)..]);
        // The body's length before it, in the two bytes left for it (MaxLength fits in two varint bytes).
        o += WriteLength2(buf[o..], body);
        o += body;
        if (textRef >= 0)
        {
            o += VarInt.Write(buf[o..], (ulong)textRef);
        }
        else if (row.Text is { } s)
        {
            int n = Encoding.UTF8.GetBytes(s, buf[(o + 3)..]);
            o += WriteLength3(buf[o..], n);
            o += n;
        }
        if (run)
        {
            o += VarInt.Write(buf[o..], (ulong)row.Weight);
            o += VarInt.Write(buf[o..], VarInt.ZigZag(row.LastClock!.Value));
            if (!row.Lines.IsEmpty)
            {
                o += VarInt.Write(buf[o..], (ulong)row.Lines.Length);
                row.Lines.Span.CopyTo(buf[o..]);
                o += row.Lines.Length;
            }
        }
        _length += o;
        _count++;
        _first = Math.Min(_first, ev.Position.Offset);
        _last = Math.Max(_last, ev.Position.Offset);
        if (ev.HasTime)
        {
            if (row.Minutes.IsEmpty)
            {
                AddMinute(TimelineCounts.UnixMinute(ev.Time), ev.Kind, row.Weight);
            }
            else
            {
                foreach (var (minute, count) in row.Minutes.Span)
                {
                    AddMinute(minute, ev.Kind, count);
                }
            }
        }
    }

    private void AddMinute(long minute, EventKind kind, long count)
        => CollectionsMarshal.GetValueRefOrAddDefault(_minutes, TimelineCounts.SortKey(minute, kind), out _) += count;

    /// <summary>
    /// The block of the rows encoded so far (null when none), and a fresh start. Its data is in a pooled array, which
    /// whoever writes the block gives back (<see cref="EventWriter"/> does).
    /// </summary>
    public EventBlock? Build()
    {
        if (_count == 0)
        {
            return null;
        }
        // The minutes in key order, with their counts beside them, in arrays kept from block to block: a copy of the table
        // and a head array each, sorted by a comparison of (minute, kind) tuples (which boxed each kind it compared), were
        // 4.5 MB of garbage for the 2 M-line dense log's 245 blocks (issue 18, item 6).
        int n = _minutes.Count;
        if (_keys.Length < n)
        {
            _keys = new long[Math.Max(n, _keys.Length * 2)];
            _counts = new long[_keys.Length];
        }
        int i = 0;
        foreach (var (key, count) in _minutes)
        {
            _keys[i] = key;
            _counts[i++] = count;
        }
        Array.Sort(_keys, _counts, 0, n);
        int headLength = 1 + 20 + n * 21;
        if (_head.Length < headLength)
        {
            _head = new byte[Math.Max(headLength, _head.Length * 2)];
        }
        var head = _head.AsSpan();
        int t = 0;
        head[t++] = EventBlock.Version;
        t += VarInt.Write(head[t..], (ulong)_count);
        t += VarInt.Write(head[t..], (ulong)n);
        long previous = 0;
        for (i = 0; i < n; i++)
        {
            long minute = TimelineCounts.Minute(_keys[i]);
            t += VarInt.Write(head[t..], VarInt.ZigZag(minute - previous));
            previous = minute;
            head[t++] = (byte)TimelineCounts.Kind(_keys[i]);
            t += VarInt.Write(head[t..], VarInt.ZigZag(_counts[i]));
        }
        var data = System.Buffers.ArrayPool<byte>.Shared.Rent(t + _length);
        head[..t].CopyTo(data);
        _rows.AsSpan(0, _length).CopyTo(data.AsSpan(t));
        var block = new EventBlock(_source, _first, _last, _firstMs, _lastMs, _count, data.AsMemory(0, t + _length)) { Rented = data };
        _length = 0;
        _count = 0;
        _first = long.MaxValue;
        _last = long.MinValue;
        _previousOffset = 0;
        _previousTime = 0;
        _firstMs = null;
        _lastMs = null;
        _minutes.Clear();
        _texts.Clear();
        return block;
    }

    private void Reserve(int bytes)
    {
        if (_rows.Length - _length < bytes)
        {
            Array.Resize(ref _rows, Math.Max(_rows.Length * 2, _length + bytes));
        }
    }

    // Lengths in a fixed number of varint bytes (continuation bits on all but the last), so a field can be encoded in
    // place before its length is known.
    private static int WriteLength2(Span<byte> buf, int length)
    {
        buf[0] = (byte)(length | 0x80);
        buf[1] = (byte)(length >> 7);
        return 2;
    }

    private static int WriteLength3(Span<byte> buf, int length)
    {
        buf[0] = (byte)(length | 0x80);
        buf[1] = (byte)((length >> 7) | 0x80);
        buf[2] = (byte)(length >> 14);
        return 3;
    }
}
