using Uncloak.Core.Events;
using Uncloak.Core.Text;

namespace Uncloak.Core.Messages;

/// <summary>
/// The shrunk-window condition in all of its texts: <c>Treason uncloaked!</c> (2.2–2.6.2x),
/// the 2.4 debug <c>peer … shrinks window X:W:Y</c>, <c>unexpectedly shrunk window</c> (2.6.2x–6.5)
/// and <c>Probing zero-window on</c> (≥6.6). IPv4 and the uncompressed <c>%pI6</c> IPv6 form.
/// </summary>
public static partial class TreasonMessage
{
    /// <summary>Parses the message starting anywhere before the anchor; <paramref name="anchor"/> is where the catalog found it.</summary>
    internal static bool TryParse(ReadOnlySpan<byte> message, int anchor, out NetEvent ev)
    {
        ev = default;
        var head = message[..anchor];
        var rest = message[anchor..];
        if (Tokens.TrySkip(ref rest, "Probing zero-window on "u8))
        {
            return TryParseProbing(rest, out ev);
        }
        if (Tokens.TrySkip(ref rest, "Treason uncloaked! Peer "u8))
        {
            return TryParseShrinks(rest, TreasonForm.TreasonUncloaked, out ev);
        }
        if (rest.StartsWith("shrinks window "u8))
        {
            // 2.4 debug form: the endpoint sits before the anchor, after "peer ".
            int p = head.LastIndexOf("peer "u8);
            return p >= 0 && TryParseShrinks(message[(p + 5)..], TreasonForm.ShrinksWindowDebug, out ev);
        }
        if (rest.StartsWith("unexpectedly shrunk window "u8))
        {
            int p = head.LastIndexOf("Peer "u8);
            return p >= 0 && TryParseShrunk(message[(p + 5)..], out ev);
        }
        return false;
    }

    // "A:p/l shrinks window X:Y. Repaired." or "A:p/l shrinks window X:W:Y. Bad, what else can I say?"
    private static bool TryParseShrinks(ReadOnlySpan<byte> s, TreasonForm form, out NetEvent ev)
    {
        ev = default;
        if (!TryReadPeer(ref s, ' ', out var peer, out ushort peerPort, out ushort localPort)
            || !Tokens.TrySkip(ref s, "shrinks window "u8)
            || !Tokens.TryReadUInt32(ref s, out uint una)
            || !Tokens.TrySkip(ref s, ":"u8)
            || !Tokens.TryReadUInt32(ref s, out uint second))
        {
            return false;
        }
        uint nxt = second;
        if (form == TreasonForm.ShrinksWindowDebug)
        {
            // snd_una:snd_wnd:snd_nxt
            if (!Tokens.TrySkip(ref s, ":"u8) || !Tokens.TryReadUInt32(ref s, out nxt))
            {
                return false;
            }
        }
        if (!s.StartsWith("."u8))
        {
            return false;
        }
        ev = Build(form, peer, peerPort, localPort, una, nxt, 0, 0);
        return true;
    }

    // "A:p/l unexpectedly shrunk window X:Y (repaired)"
    private static bool TryParseShrunk(ReadOnlySpan<byte> s, out NetEvent ev)
    {
        ev = default;
        if (!TryReadPeer(ref s, ' ', out var peer, out ushort peerPort, out ushort localPort)
            || !Tokens.TrySkip(ref s, "unexpectedly shrunk window "u8)
            || !Tokens.TryReadUInt32(ref s, out uint una)
            || !Tokens.TrySkip(ref s, ":"u8)
            || !Tokens.TryReadUInt32(ref s, out uint nxt)
            || !s.StartsWith(" (repaired)"u8))
        {
            return false;
        }
        ev = Build(TreasonForm.UnexpectedlyShrunk, peer, peerPort, localPort, una, nxt, 0, 0);
        return true;
    }

    // "A:p/l, seq=X:Y, recv Nms ago, lasting Nms"
    private static bool TryParseProbing(ReadOnlySpan<byte> s, out NetEvent ev)
    {
        ev = default;
        if (!TryReadPeer(ref s, ',', out var peer, out ushort peerPort, out ushort localPort)
            || !Tokens.TrySkip(ref s, " seq="u8)
            || !Tokens.TryReadUInt32(ref s, out uint una)
            || !Tokens.TrySkip(ref s, ":"u8)
            || !Tokens.TryReadUInt32(ref s, out uint nxt)
            || !Tokens.TrySkip(ref s, ", recv "u8)
            || !Tokens.TryReadUInt32(ref s, out uint recvAgo)
            || !Tokens.TrySkip(ref s, "ms ago, lasting "u8)
            || !Tokens.TryReadUInt32(ref s, out uint lasting)
            || !s.StartsWith("ms"u8))
        {
            return false;
        }
        ev = Build(TreasonForm.ProbingZeroWindow, peer, peerPort, localPort, una, nxt,
            (int)Math.Min(recvAgo, int.MaxValue), (int)Math.Min(lasting, int.MaxValue));
        return true;
    }

    /// <summary>Reads <c>ADDR:PEERPORT/LOCALPORT</c> followed by <paramref name="terminator"/>, and moves past the terminator.</summary>
    private static bool TryReadPeer(ref ReadOnlySpan<byte> s, char terminator, out NetAddress peer, out ushort peerPort, out ushort localPort)
    {
        peer = default;
        peerPort = 0;
        localPort = 0;
        int slash = s.IndexOf((byte)'/');
        if (slash <= 0 || slash > 60 || !Endpoint.TryParse(s[..slash], out peer, out peerPort))
        {
            return false;
        }
        s = s[(slash + 1)..];
        if (!AsciiNumber.TryReadUInt16(s, out localPort, out int n) || n >= s.Length || s[n] != terminator)
        {
            return false;
        }
        s = s[(n + 1)..];
        return true;
    }

    private static NetEvent Build(TreasonForm form, NetAddress peer, ushort peerPort, ushort localPort, uint una, uint nxt, int recvAgo, int lasting)
        => new()
        {
            Kind = EventKind.Treason,
            Form = (byte)form,
            Peer = peer,
            PeerPort = peerPort,
            LocalPort = localPort,
            SeqFrom = una,
            SeqTo = nxt,
            Millis = recvAgo,
            Millis2 = lasting,
            UptimeMicros = -1,
        };
}
