using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// <c>tcp_parse_options: Illegal window scaling value 15 &gt; 14 received</c>: a peer's SYN asked for a window scale over
/// RFC 7323's 14, and the kernel used 14. Kernels since 4.x print the limit as <c>%u</c> (TCP_MAX_WSCALE, "15 &gt; 14");
/// 2.6 and 3.x printed a literal <c>&gt;14</c> ("15 &gt;14"), 2.6.18's printk with a final period. The prefix is
/// <c>TCP: </c> since 3.x's pr_fmt, the function name before it since net_info_ratelimited's <c>%s</c>. The count
/// field holds the value received; the line names no peer.
/// </summary>
public static partial class WindowScaleMessage
{
    /// <summary>Form: <c>%d &gt; %u received</c>, 4.x and later.</summary>
    public const byte Modern = 0;

    /// <summary>Form: <c>%d &gt;14 received</c>, 2.6 and 3.x.</summary>
    public const byte Legacy = 1;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        var s = message[(anchor + Anchor.Length)..];
        if (!AsciiNumber.TryReadUInt32(s, out uint value, out int used) || value > 255)
        {
            return false; // the option is one byte
        }
        s = s[used..];
        byte form;
        if (s.StartsWith(" > "u8))
        {
            if (!AsciiNumber.TryReadUInt32(s[3..], out uint limit, out int limitUsed) || limit != 14)
            {
                return false;
            }
            s = s[(3 + limitUsed)..];
            form = Modern;
        }
        else if (s.StartsWith(" >14"u8))
        {
            s = s[4..];
            form = Legacy;
        }
        else
        {
            return false;
        }
        if (!s.StartsWith(" received"u8) || !Tokens.TrimEnd(s[" received"u8.Length..]).TrimEnd((byte)'.').IsEmpty)
        {
            return false; // netfilter's old "... > 14 ignored" is another message, with packet details after it
        }
        ev = new NetEvent { Kind = EventKind.IllegalWindowScale, Form = form, Count = value, UptimeMicros = -1 };
        return true;
    }

    internal const string Anchor = "Illegal window scaling value ";
}
