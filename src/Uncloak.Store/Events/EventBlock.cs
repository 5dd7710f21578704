using System.Buffers.Binary;
using System.Text;
using Uncloak.Core.Events;
using Uncloak.Store.Timeline;

namespace Uncloak.Store.Events;

/// <summary>
/// Rows of one source that <c>uncloak analyze</c> stores together as one <c>event_blocks</c> row (migration 46), keyed
/// by the smallest offset among them: the rows an <c>events</c> row would hold each (a line, a run of lines), encoded
/// by the reader that read them (<see cref="EventBlockBuilder"/>) and written by the store writer as one blob. On a log
/// dense in rare events a row each was most of what the store cost — 100,000 B-tree inserts and their binds on the
/// writer's thread for 2 M lines (issue 18, item 6) — and nothing asks SQL for one of them: reports read every row in
/// order, a peer's history every row of the peer, evidence one position (<see cref="EventReader"/> reads blocks and
/// rows alike).
/// </summary>
/// <remarks>
/// Layout 1: a version byte; the number of rows (a blob cut short between two rows is damaged, not shorter); the block's counts per unix minute and kind for the timeline (<c>event_minutes</c>), as a
/// count of entries then each entry's minute (zig-zag, from the previous entry's), kind and count (zig-zag); then the
/// rows to the end, each as a flags byte, its offset (zig-zag, from the previous row's), kind, unix-millisecond time
/// (zig-zag, from the previous dated row's) when it has one, peer (4 or 16 bytes) when it has one, local port, the
/// packed body (<see cref="EventPacking"/>) with its length, then — each when present — the text (UTF-8, with its length),
/// the weight, the last clock (zig-zag) and the encoded lines (with their length): the columns of an <c>events</c> row.
/// The minutes are counted when the block is made, so a block taken back (a re-read after a crash) takes back exactly what
/// its write added.
/// <para>
/// Layout 2, as 1 but for the text: a row whose text was written whole by an earlier row of the block has the flag
/// <see cref="TextRef"/> and, instead of the text, the place of that text among the block's whole ones (0 for the first).
/// A dense log's runs repeat a few texts row after row: the 2 M-line dense log's blocks held 3.0 MB of texts in layout 1,
/// 0.4 MB in layout 2 (its store 20.9 → 18.7 MB; issue 18, item 6). Both layouts are read.
/// </para>
/// </remarks>
public sealed record EventBlock(int Source, long FirstOffset, long LastOffset, long? FirstMs, long? LastMs, int Rows, ReadOnlyMemory<byte> Data)
{
    /// <summary>
    /// The pooled array <see cref="Data"/> lies in, when a builder rented it (<see cref="EventBlockBuilder.Build"/>): a
    /// block waits in the writer's queue long enough to be copied by a collection or two, and a new array each was
    /// 20 MB of them for 2 M dense lines; the writer gives it back once the block is written.
    /// </summary>
    internal byte[]? Rented { get; init; }

    /// <summary>Gives the pooled array back; the block's data is not to be read after.</summary>
    internal void Return()
    {
        if (Rented is { } array)
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(array);
        }
    }

    /// <summary>The layout written; every layout from 1 up to it is read.</summary>
    internal const byte Version = 2;

    internal const byte HasTime = 1, PeerV4 = 2, PeerV6 = 4, HasText = 8, HasWeight = 16, HasLastClock = 32, HasLines = 64;

    /// <summary>Layout 2: the text is a reference to an earlier row's (with <see cref="HasText"/>).</summary>
    internal const byte TextRef = 128;

    /// <summary>The rows of a block's <paramref name="data"/>, as an <c>events</c> row of each would give them back.</summary>
    public static List<StoredEvent> Decode(int source, ReadOnlySpan<byte> data)
    {
        var rows = new List<StoredEvent>();
        foreach (var row in DecodeRows(source, data))
        {
            EventReader.Expand(row, rows);
        }
        return rows;
    }

    /// <summary>The rows as stored (before a run's lines are expanded), in the order encoded.</summary>
    internal static List<EventRow> DecodeRows(int source, ReadOnlySpan<byte> data)
    {
        int o = SkipMinutes(source, data, out ulong expected);
        var rows = new List<EventRow>();
        var texts = new List<string>();
        long offset = 0, timeMs = 0;
        while (o < data.Length)
        {
            byte flags = data[o++];
            bool textRef = (flags & TextRef) != 0;
            if ((textRef && (data[0] < 2 || (flags & HasText) == 0)) || ((flags & PeerV4) != 0 && (flags & PeerV6) != 0))
            {
                throw Damaged(source);
            }
            offset += VarInt.UnZigZag(Read(data, ref o, source));
            var kind = (EventKind)Byte(data, ref o, source);
            long? time = null;
            if ((flags & HasTime) != 0)
            {
                timeMs += VarInt.UnZigZag(Read(data, ref o, source));
                time = timeMs;
            }
            ReadOnlySpan<byte> peer = (flags & PeerV4) != 0 ? Bytes(data, ref o, 4, source) : (flags & PeerV6) != 0 ? Bytes(data, ref o, 16, source) : default;
            ulong port = Read(data, ref o, source);
            var body = Bytes(data, ref o, Length(data, ref o, source), source);
            string? text = null;
            if (textRef)
            {
                ulong earlier = Read(data, ref o, source);
                text = earlier < (ulong)texts.Count ? texts[(int)earlier] : throw Damaged(source);
            }
            else if ((flags & HasText) != 0)
            {
                text = Encoding.UTF8.GetString(Bytes(data, ref o, Length(data, ref o, source), source));
                texts.Add(text);
            }
            long weight = (flags & HasWeight) != 0 ? (long)Read(data, ref o, source) : 1;
            long? lastClock = (flags & HasLastClock) != 0 ? VarInt.UnZigZag(Read(data, ref o, source)) : null;
            byte[]? lines = (flags & HasLines) != 0 ? Bytes(data, ref o, Length(data, ref o, source), source).ToArray() : null;
            if (port > ushort.MaxValue || weight <= 0)
            {
                throw Damaged(source);
            }
            rows.Add(new EventRow(source, offset, time, kind, peer.IsEmpty ? NetAddress.None : NetAddress.FromBytes(peer), (ushort)port,
                body.ToArray(), text, weight, lastClock, lines));
        }
        return (ulong)rows.Count == expected ? rows : throw Damaged(source);
    }

    /// <summary>The block's counts per unix minute and kind, as its write added them to the timeline.</summary>
    public static List<(long Minute, EventKind Kind, long Count)> ReadMinutes(int source, ReadOnlySpan<byte> data)
    {
        var minutes = new List<(long, EventKind, long)>();
        ForEachMinute(source, data, minutes, static (list, minute, kind, count) => list.Add((minute, kind, count)));
        return minutes;
    }

    /// <summary>
    /// Adds the block's counts per unix minute and kind to <paramref name="timeline"/> times <paramref name="sign"/> (−1
    /// takes back what a stale block's write added), without a list of them: the writer does this for every block.
    /// </summary>
    internal static void AddMinutes(int source, ReadOnlySpan<byte> data, TimelineCounts timeline, int sign)
        => ForEachMinute(source, data, (timeline, sign), static (to, minute, kind, count) => to.timeline.Add(minute, kind, to.sign * count));

    private static void ForEachMinute<T>(int source, ReadOnlySpan<byte> data, T state, Action<T, long, EventKind, long> each)
    {
        CheckLayout(source, data);
        int o = 1;
        Read(data, ref o, source); // rows
        ulong n = Read(data, ref o, source);
        long minute = 0;
        for (ulong i = 0; i < n; i++)
        {
            minute += VarInt.UnZigZag(Read(data, ref o, source));
            var kind = (EventKind)Byte(data, ref o, source);
            each(state, minute, kind, VarInt.UnZigZag(Read(data, ref o, source)));
        }
    }

    private static int SkipMinutes(int source, ReadOnlySpan<byte> data, out ulong rows)
    {
        CheckLayout(source, data);
        int o = 1;
        rows = Read(data, ref o, source);
        ulong n = Read(data, ref o, source);
        for (ulong i = 0; i < n; i++)
        {
            Read(data, ref o, source);
            Byte(data, ref o, source);
            Read(data, ref o, source);
        }
        return o;
    }

    private static void CheckLayout(int source, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty || data[0] == 0)
        {
            throw Damaged(source);
        }
        if (data[0] > Version)
        {
            throw new StoreException($"a block of stored events of source {source} has layout {data[0]}, newer than this uncloak reads ({Version}): read the store with the uncloak that wrote it, or a newer one");
        }
    }

    private static ulong Read(ReadOnlySpan<byte> data, ref int o, int source)
        => VarInt.TryRead(data, ref o, out ulong v) ? v : throw Damaged(source);

    private static int Length(ReadOnlySpan<byte> data, ref int o, int source)
    {
        ulong n = Read(data, ref o, source);
        return n <= (ulong)(data.Length - o) ? (int)n : throw Damaged(source);
    }

    private static byte Byte(ReadOnlySpan<byte> data, ref int o, int source)
        => o < data.Length ? data[o++] : throw Damaged(source);

    private static ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> data, ref int o, int length, int source)
    {
        if (length > data.Length - o)
        {
            throw Damaged(source);
        }
        var bytes = data.Slice(o, length);
        o += length;
        return bytes;
    }

    /// <summary>The peer as the <c>events</c> table keeps it, 4 bytes for IPv4 here (16 there, IPv4-mapped).</summary>
    internal static int WritePeer(NetAddress peer, Span<byte> buf)
    {
        if (peer.IsV4)
        {
            BinaryPrimitives.WriteUInt32BigEndian(buf, (uint)peer.Low);
            return 4;
        }
        peer.WriteBytes(buf[..16]);
        return 16;
    }

    private static StoreException Damaged(int source)
        => new($"a block of stored events of source {source} is damaged (event_blocks); `uncloak store check` says more");
}
