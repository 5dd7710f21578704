using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Reads stored events and aggregates back, so reports can be built from the store alone.</summary>
public static class EventReader
{
    private const string Columns = "SELECT source_id, offset, time_ms, kind, peer, local_port, body, text, coalesce(weight, 1), last_clock, lines FROM events ";

    /// <summary>
    /// Every stored event in key order (source, then offset of its row): the <c>events</c> rows and the rows of the blocks
    /// <c>uncloak analyze</c> writes (<see cref="EventBlock"/>) merged, a block decoded only when the merge reaches its
    /// first offset, so a few are held at a time.
    /// </summary>
    public static IEnumerable<StoredEvent> ReadAll(SqliteStore store)
    {
        using var rowsCmd = store.Connection.CreateCommand();
        rowsCmd.CommandText = Columns + "ORDER BY source_id, offset";
        using var blocksCmd = store.Connection.CreateCommand();
        blocksCmd.CommandText = "SELECT source_id, offset, data FROM event_blocks ORDER BY source_id, offset";
        using var blocks = blocksCmd.ExecuteReader();
        var open = new PriorityQueue<IEnumerator<EventRow>, (int Source, long Offset, long Order)>();
        long order = 0;
        void Push(IEnumerator<EventRow> stream)
        {
            if (stream.MoveNext())
            {
                open.Enqueue(stream, (stream.Current.Source, stream.Current.Offset, order++));
            }
            else
            {
                stream.Dispose();
            }
        }
        Push(ReadRows(rowsCmd).GetEnumerator());
        bool more = blocks.Read();
        var expanded = new List<StoredEvent>();
        while (true)
        {
            while (more && (open.Count == 0 || KeyOf(blocks).CompareTo(Head(open)) <= 0))
            {
                var rows = EventBlock.DecodeRows(blocks.GetInt32(0), (byte[])blocks[2]);
                if (!IsSorted(rows))
                {
                    rows.Sort(static (a, b) => a.Offset.CompareTo(b.Offset)); // a block's offsets are distinct: any sort gives one order
                }
                Push(rows.GetEnumerator());
                more = blocks.Read();
            }
            if (!open.TryDequeue(out var stream, out _))
            {
                yield break;
            }
            expanded.Clear();
            Expand(stream.Current, expanded);
            foreach (var e in expanded)
            {
                yield return e;
            }
            Push(stream);
        }
    }

    private static (int, long) KeyOf(SqliteDataReader block) => (block.GetInt32(0), block.GetInt64(1));

    private static (int, long) Head(PriorityQueue<IEnumerator<EventRow>, (int Source, long Offset, long Order)> open)
    {
        open.TryPeek(out _, out var key);
        return (key.Source, key.Offset);
    }

    private static bool IsSorted(List<EventRow> rows)
    {
        for (int i = 1; i < rows.Count; i++)
        {
            if (rows[i].Offset < rows[i - 1].Offset)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>
    /// Every stored event of one peer in time order, at most <paramref name="limit"/> (the newest are kept when there are
    /// more). The events table has no index on peer (it would cost every insert a quarter more, issue 18), and blocks are
    /// read whole: this is one pass over the store, seconds on ten million rows, which a question about one address can
    /// afford.
    /// </summary>
    public static List<StoredEvent> ReadPeer(SqliteStore store, NetAddress peer, int limit)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = Columns + "WHERE peer = $peer ORDER BY coalesce(time_ms, 0) DESC, source_id, offset LIMIT $limit";
        cmd.Parameters.AddWithValue("$peer", EventColumns.AddressBytes(peer));
        cmd.Parameters.AddWithValue("$limit", limit);
        var rows = ReadRows(cmd).ToList();
        using var blocks = store.Connection.CreateCommand();
        blocks.CommandText = "SELECT source_id, data FROM event_blocks";
        using (var r = blocks.ExecuteReader())
        {
            while (r.Read())
            {
                rows.AddRange(EventBlock.DecodeRows(r.GetInt32(0), (byte[])r[1]).Where(row => row.Peer.Equals(peer)));
            }
        }
        var newest = rows.OrderByDescending(row => row.TimeMs ?? 0).ThenBy(row => row.Source).ThenBy(row => row.Offset).Take(limit)
            .OrderBy(row => row.TimeMs ?? 0).ThenBy(row => row.Source).ThenBy(row => row.Offset);
        var events = new List<StoredEvent>();
        foreach (var row in newest)
        {
            Expand(row, events);
        }
        return events;
    }

    /// <summary>The event stored at <paramref name="position"/>, or null when it was pruned (or never stored).</summary>
    public static StoredEvent? ReadAt(SqliteStore store, SourcePosition position)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = Columns + "WHERE source_id = $s AND offset = $o";
        cmd.Parameters.AddWithValue("$s", position.SourceId);
        cmd.Parameters.AddWithValue("$o", position.Offset);
        var found = new List<StoredEvent>();
        foreach (var row in ReadRows(cmd))
        {
            Expand(row, found);
            return found[0];
        }
        using var blocks = store.Connection.CreateCommand();
        blocks.CommandText = "SELECT data FROM event_blocks WHERE source_id = $s AND offset <= $o AND last_offset >= $o";
        blocks.Parameters.AddWithValue("$s", position.SourceId);
        blocks.Parameters.AddWithValue("$o", position.Offset);
        using var r = blocks.ExecuteReader();
        while (r.Read())
        {
            foreach (var row in EventBlock.DecodeRows(position.SourceId, (byte[])r[0]))
            {
                if (row.Offset == position.Offset)
                {
                    Expand(row, found);
                    return found[0];
                }
            }
        }
        return null;
    }

    /// <summary>The path (or live source name) a source id stands for, or null.</summary>
    public static string? SourcePath(SqliteStore store, int sourceId)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT path FROM sources WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", sourceId);
        return cmd.ExecuteScalar() as string;
    }

    private static IEnumerable<EventRow> ReadRows(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new EventRow(r.GetInt32(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), (EventKind)r.GetInt32(3),
                EventColumns.ReadAddress(r.IsDBNull(4) ? null : (byte[])r[4]), (ushort)r.GetInt32(5), (byte[])r[6],
                r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : (byte[])r[10]);
        }
    }

    /// <summary>The events one stored row stands for: a line, a run's first and last line, every line of a link run.</summary>
    internal static void Expand(in EventRow row, List<StoredEvent> into)
    {
        var head = new NetEvent
        {
            Position = new SourcePosition(row.Source, row.Offset),
            Time = row.TimeMs is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime : default,
            Kind = row.Kind,
            Peer = row.Peer,
            LocalPort = row.LocalPort,
            UptimeMicros = -1,
        };
        var ev = EventPacking.Unpack(row.Body, head);
        string? text = row.Text;
        if (text is null && ev.Kind == EventKind.Treason)
        {
            text = Core.Messages.TreasonMessage.Text(ev);
        }
        long weight = row.Weight;
        // The encoded lines of a run (migration 44's lines column) are read by the kind of its row.
        bool synFlood = ev.Kind == EventKind.SynFlood;
        if (row.Lines is { } lines && synFlood && row.LastClock is { } synLast)
        {
            // The SYN-flood runs of one minute (ListenerRuns): each run comes back as a row of its own would.
            into.AddRange(ListenerRuns.Read(ev, text, weight, synLast, lines));
            return;
        }
        if (row.Lines is { } linkLines && !synFlood)
        {
            // A run of link lines (LinkRuns): every line comes back, the first with its text.
            into.Add(new StoredEvent(ev, 1, text));
            foreach (var line in LinkLines.Read(linkLines, ev, ev.HasTime ? row.TimeMs!.Value : ev.UptimeMicros))
            {
                into.Add(new StoredEvent(line, 1, null));
            }
            return;
        }
        if (weight > 1 && row.LastClock is { } last)
        {
            // A run (EventRuns): its first line stands for all but the last, which comes back at its own time so
            // the run's span (disruption windows, first and last seen) is what the lines gave.
            into.Add(new StoredEvent(ev, weight - 1, text));
            var lastEvent = ev.HasTime
                ? ev with { Time = DateTimeOffset.FromUnixTimeMilliseconds(last).UtcDateTime }
                : ev with { UptimeMicros = last };
            into.Add(new StoredEvent(lastEvent, 1, text));
            return;
        }
        into.Add(new StoredEvent(ev, weight, text));
    }

    /// <summary>
    /// Every firewall aggregate (high-volume families are stored so): the rows of the rollups table written before
    /// migration 45 and the blocks written since (<see cref="RollupBlock"/>), added up per source, kind, clock, minute,
    /// peer and port, minutes first, in key order.
    /// </summary>
    public static List<RollupRecord> ReadRollups(SqliteStore store)
    {
        var sum = new RollupSum();
        sum.AddAll(ReadRollupsAsStored(store));
        return sum.InKeyOrder();
    }

    /// <summary>
    /// Every firewall aggregate as stored, not added up and in no order: a peer or port once for each block that counted
    /// it (a parallel reader's range), the rows written before migration 45 as they are. For a reader that adds them up
    /// itself: <see cref="ReadRollups(SqliteStore)"/> holds every sum at once and then a sorted list of them — on a 10 M-line
    /// store some 100 MB at the report's memory peak.
    /// </summary>
    public static IEnumerable<RollupRecord> ReadRollupsAsStored(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute FROM rollups";
        foreach (var record in ReadRollups(cmd))
        {
            yield return record;
        }
        foreach (var block in ReadBlocks(store, onlyPeer: null))
        {
            foreach (var record in block)
            {
                yield return record;
            }
        }
    }

    /// <summary>The per-peer aggregates of one peer (high-volume families such as firewall LOG lines are stored so).</summary>
    public static List<RollupRecord> ReadPeerRollups(SqliteStore store, NetAddress peer)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute FROM rollups WHERE scope = 1 AND peer = $peer";
        cmd.Parameters.AddWithValue("$peer", EventColumns.AddressBytes(peer));
        var sum = new RollupSum();
        sum.AddAll(ReadRollups(cmd));
        foreach (var block in ReadBlocks(store, peer))
        {
            sum.AddAll(block);
        }
        return [.. sum.InKeyOrder().OrderBy(r => r.Kind)];
    }

    private static IEnumerable<List<RollupRecord>> ReadBlocks(SqliteStore store, NetAddress? onlyPeer)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, kind, uptime, records FROM rollup_blocks ORDER BY source_id, offset, kind, uptime";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return RollupBlock.Decode(r.GetInt32(0), (EventKind)r.GetInt32(1), r.GetInt32(2) == 1, (byte[])r[3], onlyPeer);
        }
    }

    private static IEnumerable<RollupRecord> ReadRollups(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var peer = (byte[])r[5];
            yield return new RollupRecord(r.GetInt32(0), (EventKind)r.GetInt32(1), (RollupScope)r.GetInt32(2), r.GetInt32(3) == 1, r.GetInt64(4),
                peer.Length == 16 ? NetAddress.FromBytes(peer) : NetAddress.None, (ushort)r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9));
        }
    }
}
