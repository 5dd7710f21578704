using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// A rate limiter's report of how many messages it hid. Which messages depends on the era: since 2.6.32 each limiter
/// names its caller and <c>net_ratelimit: N callbacks suppressed</c> is the one budget all network messages share;
/// before, one line counted every ratelimited printk of the kernel (network, block I/O, AppArmor…):
/// <c>__ratelimit: N callbacks suppressed</c> (2.6.27–2.6.31, lib/ratelimit.c printed its own <c>__func__</c>),
/// <c>__ratelimit: N messages suppressed</c> (2.6.25–2.6.26) and <c>printk: N messages suppressed.</c> (up to 2.6.24,
/// kernel/printk.c). Lines of other callers (a driver's own limiter) are not network-wide and not read.
/// </summary>
public static partial class RateLimitMessage
{
    /// <summary>Form: net_ratelimit's network budget (0, so rows stored before forms existed read as it).</summary>
    public const byte NetRatelimit = 0;

    /// <summary>Form: <c>__ratelimit:</c>, every ratelimited printk of 2.6.25–2.6.31.</summary>
    public const byte AnyRatelimit = 1;

    /// <summary>Form: <c>printk:</c>, the one printk_ratelimit() budget that net_ratelimit() shared up to 2.6.24.</summary>
    public const byte Printk = 2;

    /// <summary>True when the count may include messages of any subsystem, not only the network's.</summary>
    public static bool CountsAnySubsystem(byte form) => form != NetRatelimit;

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
        byte form;
        if (Names(who, "net_ratelimit:"u8))
        {
            form = NetRatelimit;
        }
        else if (Names(who, "__ratelimit:"u8))
        {
            form = AnyRatelimit;
        }
        else if (Names(who, "printk:"u8))
        {
            form = Printk;
        }
        else
        {
            return false;
        }
        ev = new NetEvent { Kind = EventKind.RateLimitSuppressed, Form = form, Count = (long)Math.Min(n, long.MaxValue), UptimeMicros = -1 };
        return true;
    }

    /// <summary>The text ends with the limiter's name, not with a longer function name ("x__ratelimit:", "myprintk:").</summary>
    private static bool Names(ReadOnlySpan<byte> who, ReadOnlySpan<byte> name)
        => who.EndsWith(name) && (who.Length == name.Length || !IsIdentifier(who[^(name.Length + 1)]));

    private static bool IsIdentifier(byte b) => b == '_' || (uint)((b | 0x20) - 'a') <= 'z' - 'a' || (uint)(b - '0') <= 9;
}
