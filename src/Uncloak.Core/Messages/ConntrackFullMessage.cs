using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Connection-tracking table full: <c>ip_conntrack: table full, dropping packet.</c>,
/// <c>nf_conntrack: [nf_conntrack: ]table full[ in netns N], dropping packet[.]</c>.
/// </summary>
public static partial class ConntrackFullMessage
{
    /// <summary>Form values.</summary>
    public const byte NfConntrack = 0;
    public const byte IpConntrack = 1;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        // Anchor is "conntrack: table full"; the two bytes before it say nf_ or ip_.
        byte form = anchor >= 3 && message.Slice(anchor - 3, 3).SequenceEqual("ip_"u8) ? IpConntrack : NfConntrack;
        var s = message[anchor..];
        if (!Tokens.TrySkip(ref s, "conntrack: table full"u8))
        {
            return false;
        }
        long netns = 0;
        if (Tokens.TrySkip(ref s, " in netns "u8))
        {
            if (!AsciiNumber.TryReadUInt64(s, out ulong ns, out int n))
            {
                return false;
            }
            netns = (long)Math.Min(ns, long.MaxValue);
            s = s[n..];
        }
        if (!s.StartsWith(", dropping packet"u8))
        {
            return false;
        }
        ev = new NetEvent { Kind = EventKind.ConntrackFull, Form = form, Count = netns, UptimeMicros = -1 };
        return true;
    }
}
