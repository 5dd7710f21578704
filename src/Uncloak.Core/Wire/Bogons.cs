using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// Source addresses no host can legitimately send from (RFC 6890 "source: false" ranges and multicast). Private and
/// documentation ranges are not here: a server's own LAN and the lab (198.18.0.0/15) use them.
/// </summary>
public static class Bogons
{
    public static bool IsBogonSource(NetAddress address)
    {
        if (address.IsV4)
        {
            uint a = address.V4;
            uint top = a >> 24;
            // 0.0.0.0/8 "this network", 127/8 loopback, 224/4 multicast, 240/4 reserved (and 255.255.255.255).
            return top == 0 || top == 127 || top >= 224;
        }
        if (address.IsV6)
        {
            // ::, ::1, and ff00::/8 multicast.
            return (address.High == 0 && address.Low <= 1) || (address.High >> 56) == 0xFF;
        }
        return false;
    }
}
