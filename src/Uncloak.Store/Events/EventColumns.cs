using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>How event fields map to columns (shared by writer and reader).</summary>
internal static class EventColumns
{
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

    public static NetAddress ReadAddress(byte[]? bytes)
        => bytes is { Length: 16 } ? NetAddress.FromBytes(bytes) : NetAddress.None;
}
