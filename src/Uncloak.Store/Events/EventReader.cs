using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>Reads stored events back, in time order, so reports can be built from the store alone.</summary>
public static class EventReader
{
    public static IEnumerable<StoredEvent> ReadAll(SqliteStore store)
    {
        using var cmd = store.Connection.CreateCommand();
        cmd.CommandText = """
            SELECT source_id, offset, time_ms, uptime_us, host, kind, form, peer, peer_family, peer_port, local, local_family, local_port,
                   seq_from, seq_to, millis, millis2, speed_mbps, queue, length, count, duplex, flow, protocol, tcp_flags, iface, driver, prefix,
                   weight, text
            FROM events ORDER BY source_id, offset
            """;
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return new StoredEvent(Read(r), r.GetInt64(28), r.IsDBNull(29) ? null : r.GetString(29));
        }
    }

    private static NetEvent Read(SqliteDataReader r) => new()
    {
        Position = new SourcePosition(r.GetInt32(0), r.GetInt64(1)),
        Time = r.IsDBNull(2) ? default : DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)).UtcDateTime,
        UptimeMicros = r.IsDBNull(3) ? -1 : r.GetInt64(3),
        Host = r.IsDBNull(4) ? null : string.Intern(r.GetString(4)),
        Kind = (EventKind)r.GetInt32(5),
        Form = (byte)r.GetInt32(6),
        Peer = EventColumns.ReadAddress(r.IsDBNull(7) ? null : (byte[])r[7], r.GetInt32(8)),
        PeerPort = (ushort)r.GetInt32(9),
        Local = EventColumns.ReadAddress(r.IsDBNull(10) ? null : (byte[])r[10], r.GetInt32(11)),
        LocalPort = (ushort)r.GetInt32(12),
        SeqFrom = (uint)r.GetInt64(13),
        SeqTo = (uint)r.GetInt64(14),
        Millis = r.GetInt32(15),
        Millis2 = r.GetInt32(16),
        SpeedMbps = r.GetInt32(17),
        Queue = r.GetInt32(18),
        Length = r.GetInt32(19),
        Count = r.GetInt64(20),
        Duplex = (Duplex)r.GetInt32(21),
        FlowControl = (FlowControl)r.GetInt32(22),
        Protocol = (byte)r.GetInt32(23),
        TcpFlags = (TcpFlags)r.GetInt32(24),
        Interface = r.IsDBNull(25) ? null : string.Intern(r.GetString(25)),
        Driver = r.IsDBNull(26) ? null : string.Intern(r.GetString(26)),
        Prefix = r.IsDBNull(27) ? null : string.Intern(r.GetString(27)),
    };
}
