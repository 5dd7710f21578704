using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

/// <summary><c>neighbour: arp_cache|ndisc_cache: neighbor table overflow!</c> and the old <c>[ipv6: ]Neighbour table overflow.</c></summary>
public static partial class NeighbourOverflowMessage
{
    public const byte Arp = 0;
    public const byte Ndisc = 1;
    public const byte Legacy = 2;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        var s = message[anchor..];
        var head = message[..anchor];
        byte form;
        if (s.StartsWith("neighbor table overflow"u8))
        {
            form = head.EndsWith("ndisc_cache: "u8) ? Ndisc : Arp;
        }
        else if (s.StartsWith("Neighbour table overflow"u8))
        {
            form = head.EndsWith("ipv6: "u8) ? Ndisc : Legacy;
        }
        else
        {
            return false;
        }
        ev = new NetEvent { Kind = EventKind.NeighbourOverflow, Form = form, UptimeMicros = -1 };
        return true;
    }
}
