using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Reads stored events and aggregates back, so reports can be built from the store alone.</summary>
public static class EventReader
{
    public static IEnumerable<StoredEvent> ReadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, offset, time_ms, kind, peer, local_port, body, text FROM events ORDER BY source_id, offset";
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
            yield return new StoredEvent(ev, 1, text);
        }
    }

    public static IEnumerable<RollupRecord> ReadRollups(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = "SELECT source_id, kind, scope, uptime, bucket, peer, port, count, first_minute, last_minute FROM rollups ORDER BY scope, bucket";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var peer = (byte[])r[5];
            yield return new RollupRecord(r.GetInt32(0), (EventKind)r.GetInt32(1), (RollupScope)r.GetInt32(2), r.GetInt32(3) == 1, r.GetInt64(4),
                peer.Length == 16 ? NetAddress.FromBytes(peer) : NetAddress.None, (ushort)r.GetInt32(6), r.GetInt64(7), r.GetInt64(8), r.GetInt64(9));
        }
    }
}
