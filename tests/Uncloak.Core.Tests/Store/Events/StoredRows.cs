using Microsoft.Data.Sqlite;
using Uncloak.Core.Events;
using Uncloak.Store.Events;

namespace Uncloak.Core.Tests.Store.Events;

/// <summary>
/// Every row a store holds as the tests count them: the <c>events</c> rows (the daemon's, and analyze's before migration
/// 46) and the rows of analyze's blocks (<see cref="EventBlock"/>), in key order, read without going through the store's
/// own readers.
/// </summary>
internal static class StoredRows
{
    public static List<EventRow> In(string db)
    {
        var rows = new List<EventRow>();
        using var c = new SqliteConnection($"Data Source={db};Pooling=False;Mode=ReadOnly");
        c.Open();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT source_id, offset, time_ms, kind, peer, local_port, body, text, coalesce(weight, 1), last_clock, lines FROM events";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.Add(new EventRow(r.GetInt32(0), r.GetInt64(1), r.IsDBNull(2) ? null : r.GetInt64(2), (EventKind)r.GetInt32(3),
                    r.IsDBNull(4) ? NetAddress.None : NetAddress.FromBytes((byte[])r[4]), (ushort)r.GetInt32(5), (byte[])r[6],
                    r.IsDBNull(7) ? null : r.GetString(7), r.GetInt64(8), r.IsDBNull(9) ? null : r.GetInt64(9), r.IsDBNull(10) ? null : (byte[])r[10]));
            }
        }
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT source_id, data FROM event_blocks";
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                rows.AddRange(EventBlock.DecodeRows(r.GetInt32(0), (byte[])r[1]));
            }
        }
        return [.. rows.OrderBy(row => row.Source).ThenBy(row => row.Offset)];
    }
}
