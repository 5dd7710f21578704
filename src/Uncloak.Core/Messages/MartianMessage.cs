using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>[IPv4: ]martian source DST from SRC, on dev IF</c> and <c>martian destination DST from SRC, dev IF</c>.
/// The kernel prints the packet's destination first; the bad (martian) source is the second address. Kernels from 2026
/// name every value instead: <c>martian source (src=S, dst=D, dev=IF)</c>.
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
        if (s.StartsWith("("u8))
        {
            return TryParseKeyed(s[1..], form, pool, out ev);
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
        ev = Build(form, src, dst, Tokens.TrimEnd(s), pool);
        return true;
    }

    /// <summary>The 2026 wording, every value named: <c>martian source (src=S, dst=D, dev=IF)</c>.</summary>
    private static bool TryParseKeyed(ReadOnlySpan<byte> s, byte form, StringPool pool, out NetEvent ev)
    {
        ev = default;
        int close = s.IndexOf((byte)')');
        if (close < 0)
        {
            return false;
        }
        s = s[..close];
        NetAddress src = default, dst = default;
        ReadOnlySpan<byte> dev = default;
        while (!s.IsEmpty)
        {
            int comma = s.IndexOf((byte)',');
            var pair = Tokens.Trim(comma < 0 ? s : s[..comma]);
            s = comma < 0 ? default : s[(comma + 1)..];
            if (pair.StartsWith("src="u8))
            {
                if (!NetAddress.TryParse(pair[4..], out src))
                {
                    return false;
                }
            }
            else if (pair.StartsWith("dst="u8))
            {
                if (!NetAddress.TryParse(pair[4..], out dst))
                {
                    return false;
                }
            }
            else if (pair.StartsWith("dev="u8))
            {
                dev = pair[4..];
            }
        }
        if (src.IsNone)
        {
            return false;
        }
        ev = Build(form, src, dst, dev, pool);
        return true;
    }

    private static NetEvent Build(byte form, NetAddress src, NetAddress dst, ReadOnlySpan<byte> dev, StringPool pool) => new()
    {
        Kind = EventKind.Martian,
        Form = form,
        Peer = src,
        Local = dst,
        Interface = dev.IsEmpty ? null : pool.Get(dev),
        UptimeMicros = -1,
    };
}
