using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>net_ratelimit: N callbacks suppressed</c> (and old <c>printk: N messages suppressed.</c>): the one
/// global budget all network messages share hid N of them, so counts from the log are a floor.
/// </summary>
public static partial class RateLimitMessage
{
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        // Anchor is " callbacks suppressed" or " messages suppressed"; the count is the number before it.
        var head = message[..anchor];
        int start = head.Length;
        while (start > 0 && (uint)(head[start - 1] - '0') <= 9)
        {
            start--;
        }
        if (start == head.Length || !AsciiNumber.TryParseUInt64(head[start..], out ulong n))
        {
            return false;
        }
        var who = Tokens.TrimEnd(head[..start]);
        if (!who.EndsWith("net_ratelimit:"u8) && !who.EndsWith("printk:"u8))
        {
            return false;
        }
        ev = new NetEvent { Kind = EventKind.RateLimitSuppressed, Count = (long)Math.Min(n, long.MaxValue), UptimeMicros = -1 };
        return true;
    }
}
