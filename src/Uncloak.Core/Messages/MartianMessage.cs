using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>[IPv4: ]martian source DST from SRC, on dev IF</c> and <c>martian destination DST from SRC, dev IF</c>.
/// The kernel prints the packet's destination first; the bad (martian) source is the second address.
/// </summary>
public static partial class MartianMessage
{
    public const byte Source = 0;
    public const byte Destination = 1;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, StringPool pool, out NetEvent ev)
    {
        ev = default;
        var s = message[anchor..];
        byte form;
        if (Tokens.TrySkip(ref s, "martian source "u8))
        {
            form = Source;
        }
        else if (Tokens.TrySkip(ref s, "martian destination "u8))
        {
            form = Destination;
        }
        else
        {
            return false;
        }
        if (!Tokens.TryTakeUntil(ref s, " from "u8, out var dstText)
            || !Tokens.TryTakeUntil(ref s, ", "u8, out var srcText)
            || !NetAddress.TryParse(dstText, out var dst)
            || !NetAddress.TryParse(srcText, out var src))
        {
            return false;
        }
        Tokens.TrySkip(ref s, "on "u8);
        if (!Tokens.TrySkip(ref s, "dev "u8))
        {
            return false;
        }
        var ifname = Tokens.TrimEnd(s);
        ev = new NetEvent
        {
            Kind = EventKind.Martian,
            Form = form,
            Peer = src,
            Local = dst,
            Interface = ifname.IsEmpty ? null : pool.Get(ifname),
            UptimeMicros = -1,
        };
        return true;
    }
}
