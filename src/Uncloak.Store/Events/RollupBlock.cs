using System.Buffers;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The aggregates one reader counted for one source, kind and clock, encoded as one <c>rollup_blocks</c> row
/// (migration 45): a row per minute, peer and port made the store writer insert tens of thousands of B-tree rows after
/// every reader was done — the tail of a dense <c>analyze</c> (issue 18, item 6). Blocks add up: the same peer in two
/// blocks counts twice, first and last minute widen (<see cref="EventReader.ReadRollups(SqliteStore)"/> merges them).
/// Layout: a version byte, then the minute, peer and port records, each section a count and its records; minutes as
/// zig-zag deltas from the previous value, counts and spans (last − first) as unsigned LEB128, an address as a family
/// byte (4 or 6) and its 4 or 16 bytes.
/// </summary>
public static class RollupBlock
{
    private const byte Version = 1;

    /// <summary>
    /// Encodes the records of one group (same source, kind and clock), in one pass over them: each scope into its own
    /// buffer, in the order given, joined after its count.
    /// </summary>
    public static byte[] Encode(IEnumerable<RollupRecord> records)
    {
        // The sections' buffers are kept per thread and reused: grown by doubling for every block, they were large
        // objects each time on a dense log, and each large-object allocation counts toward a full collection.
        var sections = _sections ??= [new(), new(), new()];
        foreach (var section in sections)
        {
            section.ResetWrittenCount();
        }
        Span<int> counts = stackalloc int[3];
        Span<long> previous = stackalloc long[3];
        foreach (var r in records)
        {
            int scope = (int)r.Scope;
            var buffer = sections[scope];
            counts[scope]++;
            switch (r.Scope)
            {
                case RollupScope.Minute:
                    WriteSigned(buffer, r.Minute - previous[scope]);
                    previous[scope] = r.Minute;
                    WriteUnsigned(buffer, (ulong)r.Count);
                    continue;
                case RollupScope.Peer:
                    WriteAddress(buffer, r.Peer);
                    break;
                default:
                    WriteUnsigned(buffer, r.Port);
                    break;
            }
            WriteUnsigned(buffer, (ulong)r.Count);
            WriteSigned(buffer, r.FirstMinute - previous[scope]);
            previous[scope] = r.FirstMinute;
            WriteUnsigned(buffer, (ulong)(r.LastMinute - r.FirstMinute));
        }
        Span<byte> count = stackalloc byte[10];
        int length = 1;
        for (int scope = 0; scope < sections.Length; scope++)
        {
            length += VarInt.Write(count, (ulong)counts[scope]) + sections[scope].WrittenCount;
        }
        var block = new byte[length];
        int o = 0;
        block[o++] = Version;
        for (int scope = 0; scope < sections.Length; scope++)
        {
            o += VarInt.Write(block.AsSpan(o), (ulong)counts[scope]);
            sections[scope].WrittenSpan.CopyTo(block.AsSpan(o));
            o += sections[scope].WrittenCount;
        }
        return block;
    }

    [ThreadStatic]
    private static ArrayBufferWriter<byte>[]? _sections;

    /// <summary>The minute records of a block, as (minute, count): its first section, for the timeline.</summary>
    public static List<(long Minute, long Count)> ReadMinutes(int source, ReadOnlySpan<byte> data)
    {
        int o = 0;
        if (data.IsEmpty || data[o++] != Version)
        {
            throw Damaged(source);
        }
        ulong n = Unsigned(data, ref o, source);
        var minutes = new List<(long, long)>((int)Math.Min(n, 1 << 16));
        long minute = 0;
        for (ulong i = 0; i < n; i++)
        {
            minute += Signed(data, ref o, source);
            minutes.Add((minute, (long)Unsigned(data, ref o, source)));
        }
        return minutes;
    }

    /// <summary>
    /// The records of a block, minutes first, then peers, then ports (as encoded); <paramref name="onlyPeer"/> keeps
    /// only that peer's record. Throws <see cref="StoreException"/> when the bytes are not a block.
    /// </summary>
    public static List<RollupRecord> Decode(int source, EventKind kind, bool uptime, ReadOnlySpan<byte> data, NetAddress? onlyPeer = null)
    {
        var records = new List<RollupRecord>();
        int o = 0;
        if (data.IsEmpty || data[o++] != Version)
        {
            throw Damaged(source);
        }
        foreach (var scope in (ReadOnlySpan<RollupScope>)[RollupScope.Minute, RollupScope.Peer, RollupScope.Port])
        {
            ulong n = Unsigned(data, ref o, source);
            long previous = 0;
            for (ulong i = 0; i < n; i++)
            {
                if (scope == RollupScope.Minute)
                {
                    previous += Signed(data, ref o, source);
                    long total = (long)Unsigned(data, ref o, source);
                    if (onlyPeer is null)
                    {
                        records.Add(new RollupRecord(source, kind, scope, uptime, previous, NetAddress.None, 0, total, previous, previous));
                    }
                    continue;
                }
                var peer = NetAddress.None;
                ushort port = 0;
                if (scope == RollupScope.Peer)
                {
                    peer = ReadAddress(data, ref o, source);
                }
                else
                {
                    ulong p = Unsigned(data, ref o, source);
                    port = p is > 0 and <= ushort.MaxValue ? (ushort)p : throw Damaged(source);
                }
                long count = (long)Unsigned(data, ref o, source);
                previous += Signed(data, ref o, source);
                long last = previous + (long)Unsigned(data, ref o, source);
                if (onlyPeer is null || (scope == RollupScope.Peer && peer == onlyPeer.Value))
                {
                    records.Add(new RollupRecord(source, kind, scope, uptime, 0, peer, port, count, previous, last));
                }
            }
        }
        return o == data.Length ? records : throw Damaged(source);
    }

    private static StoreException Damaged(int source)
        => new($"a block of firewall aggregates of source {source} is damaged (rollup_blocks); `uncloak store check` says more");

    private static void WriteUnsigned(ArrayBufferWriter<byte> buffer, ulong v)
        => buffer.Advance(VarInt.Write(buffer.GetSpan(10), v));

    private static void WriteSigned(ArrayBufferWriter<byte> buffer, long v) => WriteUnsigned(buffer, VarInt.ZigZag(v));

    private static void WriteAddress(ArrayBufferWriter<byte> buffer, NetAddress peer)
    {
        Span<byte> bytes = buffer.GetSpan(17);
        if (peer.IsV4)
        {
            bytes[0] = 4;
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes[1..], peer.V4);
            buffer.Advance(5);
            return;
        }
        bytes[0] = 6;
        peer.WriteBytes(bytes.Slice(1, 16));
        buffer.Advance(17);
    }

    private static NetAddress ReadAddress(ReadOnlySpan<byte> data, ref int o, int source)
    {
        int length = o < data.Length ? data[o] switch { 4 => 4, 6 => 16, _ => -1 } : -1;
        if (length < 0 || o + 1 + length > data.Length)
        {
            throw Damaged(source);
        }
        var bytes = data.Slice(o + 1, length);
        o += 1 + length;
        return length == 4 ? NetAddress.FromV4(System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes)) : NetAddress.FromBytes(bytes);
    }

    private static ulong Unsigned(ReadOnlySpan<byte> data, ref int o, int source)
        => VarInt.TryRead(data, ref o, out ulong v) && v <= long.MaxValue ? v : throw Damaged(source);

    private static long Signed(ReadOnlySpan<byte> data, ref int o, int source)
        => VarInt.TryRead(data, ref o, out ulong v) ? VarInt.UnZigZag(v) : throw Damaged(source);
}
