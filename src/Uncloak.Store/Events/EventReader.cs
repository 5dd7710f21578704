using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Reads stored events and aggregates back, so reports can be built from the store alone.</summary>
public static class EventReader
{
    private const string Columns = "SELECT source_id, offset, time_ms, kind, peer, local_port, body, text, coalesce(weight, 1), last_clock, lines FROM events ";

    public static IEnumerable<StoredEvent> ReadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = Columns + "ORDER BY source_id, offset";
        foreach (var e in Read(cmd))
        {
            yield return e;
        }
    }

    /// <summary>
    /// Every stored event of one peer in time order, at most <paramref name="limit"/> (the newest are kept when there are
    /// more). The events table has no index on peer (it would cost every insert a quarter more, issue 18): this is one
    /// pass over the table, seconds on ten million rows, which a question about one address can afford.
    /// </summary>
    public static List<StoredEvent> ReadPeer(SqliteStore store, NetAddress peer, int limit)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT * FROM (" + Columns + "WHERE peer = $peer ORDER BY coalesce(time_ms, 0) DESC, source_id, offset LIMIT $limit) ORDER BY coalesce(time_ms, 0), source_id, offset";
        cmd.Parameters.AddWithValue("$peer", EventColumns.AddressBytes(peer));
        cmd.Parameters.AddWithValue("$limit", limit);
        return [.. Read(cmd)];
    }

    /// <summary>The event stored at <paramref name="position"/>, or null when it was pruned (or never stored).</summary>
    public static StoredEvent? ReadAt(SqliteStore store, SourcePosition position)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = Columns + "WHERE source_id = $s AND offset = $o";
        cmd.Parameters.AddWithValue("$s", position.SourceId);
        cmd.Parameters.AddWithValue("$o", position.Offset);
        foreach (var e in Read(cmd))
        {
            return e;
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

    private static IEnumerable<StoredEvent> Read(SqliteCommand cmd)
    {
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var head = new NetEvent
            {
                Position = new SourcePosition(r.GetInt32(0), r.GetInt64(1)),
                Time = r.IsDBNull(2) ? default : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)).UtcDateTime,
                Kind = (EventKind)r.GetInt32(3),
                Peer = EventColumns.ReadAddress(r.IsDBNull(4) ? null : (byte[])r[4]),
                LocalPort = (ushort)r.GetInt32(5),
                UptimeMicros = -1,
            };
            var ev = EventPacking.Unpack((byte[])r[6], head);
            string? text = r.IsDBNull(7) ? null : r.GetString(7);
            if (text is null && ev.Kind == EventKind.Treason)
            {
                text = Core.Messages.TreasonMessage.Text(ev);
            }
            long weight = r.GetInt64(8);
            // The encoded lines of a run (migration 44's lines column) are read by the kind of its row.
            bool synFlood = ev.Kind == EventKind.SynFlood;
            if (!r.IsDBNull(10) && synFlood && !r.IsDBNull(9))
            {
                // The SYN-flood runs of one minute (ListenerRuns): each run comes back as a row of its own would.
                foreach (var row in ListenerRuns.Read(ev, text, weight, r.GetInt64(9), (byte[])r[10]))
                {
                    yield return row;
                }
                continue;
            }
            if (!r.IsDBNull(10) && !synFlood)
            {
                // A run of link lines (LinkRuns): every line comes back, the first with its text.
                yield return new StoredEvent(ev, 1, text);
                foreach (var line in LinkLines.Read((byte[])r[10], ev, ev.HasTime ? r.GetInt64(2) : ev.UptimeMicros))
                {
                    yield return new StoredEvent(line, 1, null);
                }
                continue;
            }
            if (weight > 1 && !r.IsDBNull(9))
            {
                // A run (EventRuns): its first line stands for all but the last, which comes back at its own time so
                // the run's span (disruption windows, first and last seen) is what the lines gave.
                yield return new StoredEvent(ev, weight - 1, text);
                long last = r.GetInt64(9);
                var lastEvent = ev.HasTime
                    ? ev with { Time = DateTimeOffset.FromUnixTimeMilliseconds(last).UtcDateTime }
                    : ev with { UptimeMicros = last };
                yield return new StoredEvent(lastEvent, 1, text);
                continue;
            }
            yield return new StoredEvent(ev, weight, text);
        }
    }

    /// <summary>
    /// Every firewall aggregate (high-volume families are stored so): the rows of the rollups table written before
    /// migration 45 and the blocks written since (<see cref="RollupBlock"/>), added up per source, kind, clock, minute,
    /// peer and port, minutes first, in key order.
    /// </summary>
    public static List<RollupRecord> ReadRollups(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute FROM rollups";
        var sum = new RollupSum();
        sum.AddAll(ReadRollups(cmd));
        foreach (var block in ReadBlocks(store, onlyPeer: null))
        {
            sum.AddAll(block);
        }
        return sum.InKeyOrder();
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
