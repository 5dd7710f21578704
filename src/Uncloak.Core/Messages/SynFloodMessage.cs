using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>Possible SYN flooding on port …</c> in every era: bare 2.2 form, <c>TCPv6:</c>, <c>TCP: TCP:</c>,
/// <c>request_sock_TCP[v6]:</c>, with the ≥6.2 listener address (<c>198.18.0.10:80</c> or <c>[::]:443</c>)
/// and the older <c>  Check SNMP counters.</c> tail.
/// </summary>
public static partial class SynFloodMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        // The anchor is "ossible SYN flooding on port " so both "Possible" and "possible" match.
        var s = message[anchor..];
        if (!Tokens.TrySkip(ref s, "ossible SYN flooding on port "u8)
            || !Tokens.TryTakeUntil(ref s, ". "u8, out var where))
        {
            return false;
        }
        SynFloodAction action;
        if (s.StartsWith("Sending cookies"u8))
        {
            action = SynFloodAction.SendingCookies;
        }
        else if (s.StartsWith("Dropping request"u8))
        {
            action = SynFloodAction.DroppingRequest;
        }
        else
        {
            return false;
        }
        NetAddress listener = default;
        ushort port;
        if (where.IndexOf((byte)':') >= 0)
        {
            if (!Endpoint.TryParse(where, out listener, out port))
            {
                return false;
            }
        }
        else if (!AsciiNumber.TryParseUInt16(where, out port))
        {
            return false;
        }
        ev = new NetEvent
        {
            Kind = EventKind.SynFlood,
            Form = (byte)action,
            Local = listener,
            LocalPort = port,
            Protocol = 6,
            UptimeMicros = -1,
        };
        return true;
    }
}
