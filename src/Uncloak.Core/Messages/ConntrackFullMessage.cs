using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// Connection-tracking table full: <c>ip_conntrack: table full, dropping packet.</c>,
/// <c>nf_conntrack: [nf_conntrack: ]table full[ in netns N], dropping packet[.]</c>, and OpenVZ's per-container
/// <c>ip_conntrack: VPS N[:] table full, dropping packet.</c> (its 2.6.18 kernels, quoted in hosting forums: the table of
/// container N is full, not the host's).
/// </summary>
public static partial class ConntrackFullMessage
{
    /// <summary>Form values.</summary>
    public const byte NfConntrack = 0;
    public const byte IpConntrack = 1;
    public const byte OpenVzContainer = 2;

    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        // Anchor is "conntrack: table full"; the two bytes before it say nf_ or ip_.
        byte form = anchor >= 3 && message.Slice(anchor - 3, 3).SequenceEqual("ip_"u8) ? IpConntrack : NfConntrack;
        var s = message[anchor..];
        long netns = 0;
        if (Tokens.TrySkip(ref s, "conntrack: VPS "u8))
        {
            // The container's id takes the namespace's place: both say whose table is full.
            if (!AsciiNumber.TryReadUInt64(s, out ulong container, out int digits))
            {
                return false;
            }
            s = s[digits..];
            Tokens.TrySkip(ref s, ":"u8);
            if (!Tokens.TrySkip(ref s, " table full"u8) || !s.StartsWith(", dropping packet"u8))
            {
                return false;
            }
            ev = new NetEvent { Kind = EventKind.ConntrackFull, Form = OpenVzContainer, Count = (long)Math.Min(container, long.MaxValue), UptimeMicros = -1 };
            return true;
        }
        if (!Tokens.TrySkip(ref s, "conntrack: table full"u8))
        {
            return false;
        }
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
