using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>How event fields map to the events table's columns (shared by writer and reader).</summary>
internal static class EventColumns
{
    public static readonly string[] Parameters =
    [
        "$source_id", "$offset", "$time_ms", "$uptime_us", "$host", "$kind", "$form", "$peer", "$peer_family", "$peer_port",
        "$local", "$local_family", "$local_port", "$seq_from", "$seq_to", "$millis", "$millis2", "$speed_mbps", "$queue", "$length",
        "$count", "$duplex", "$flow", "$protocol", "$tcp_flags", "$iface", "$driver", "$prefix", "$weight", "$text",
    ];

    public static object AddressBytes(NetAddress a)
    {
        if (a.IsNone)
        {
            return DBNull.Value;
        }
        var b = new byte[16];
        a.WriteBytes(b);
        return b;
    }

    public static int Family(NetAddress a) => a.IsV4 ? 4 : a.IsV6 ? 6 : 0;

    public static NetAddress ReadAddress(byte[]? bytes, int family)
        => bytes is { Length: 16 } && family != 0 ? NetAddress.FromBytes(bytes) : NetAddress.None;
}
