using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary><c>TCP: drop open request from A/port</c>: a SYN shed to keep the last quarter of the SYN queue for proven peers.</summary>
public static partial class DropOpenRequestMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        var s = message[anchor..];
        if (!Tokens.TrySkip(ref s, "drop open request from "u8))
        {
            return false;
        }
        int slash = s.LastIndexOf((byte)'/');
        if (slash <= 0
            || !NetAddress.TryParse(s[..slash], out var peer)
            || !AsciiNumber.TryParseUInt16(Tokens.TrimEnd(s[(slash + 1)..]), out ushort port))
        {
            return false;
        }
        ev = new NetEvent { Kind = EventKind.DropOpenRequest, Peer = peer, PeerPort = port, Protocol = 6, UptimeMicros = -1 };
        return true;
    }
}
