using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// The encoding of the link lines a <see cref="LinkRuns"/> row holds after its first: per line the offset after the
/// previous line's, the clock and uptime relative to the first line's (zig-zag), the state, speed, duplex and flow
/// control, as variable-length integers (about 8 bytes a line instead of a row with its text).
/// </summary>
internal static class LinkLines
{
    /// <summary>The most one line takes.</summary>
    public const int MaxLine = 3 * 10 + 5 + 3;

    /// <summary>
    /// True when two link lines can share a run: equal in every packed field but what <see cref="Write"/> keeps per line
    /// (form, speed, duplex, flow control, uptime).
    /// </summary>
    public static bool SameShape(in NetEvent a, in NetEvent b)
        => EventPacking.SameBodyButRunFields(a, b) && a.Local.Equals(b.Local);

    public static int Write(Span<byte> buf, in NetEvent ev, long offsetStep, long clockDelta, long uptimeDelta)
    {
        int o = 0;
        o += VarInt.Write(buf[o..], (ulong)offsetStep);
        o += VarInt.Write(buf[o..], VarInt.ZigZag(clockDelta));
        o += VarInt.Write(buf[o..], VarInt.ZigZag(uptimeDelta));
        buf[o++] = ev.Form;
        o += VarInt.Write(buf[o..], VarInt.ZigZag(ev.SpeedMbps));
        buf[o++] = (byte)ev.Duplex;
        buf[o++] = (byte)ev.FlowControl;
        return o;
    }

    /// <summary>
    /// The lines after <paramref name="first"/> (its clock <paramref name="firstClock"/>, <see cref="EventRuns.Clock"/>),
    /// in the order stored; a truncated or corrupt blob ends the list where it stops making sense.
    /// </summary>
    public static List<NetEvent> Read(ReadOnlySpan<byte> b, in NetEvent first, long firstClock)
    {
        var lines = new List<NetEvent>();
        long offset = first.Position.Offset;
        int o = 0;
        while (o < b.Length)
        {
            if (!VarInt.TryRead(b, ref o, out ulong step) || !VarInt.TryRead(b, ref o, out ulong clock) || !VarInt.TryRead(b, ref o, out ulong uptime)
                || o >= b.Length)
            {
                break;
            }
            byte form = b[o++];
            if (!VarInt.TryRead(b, ref o, out ulong speed) || o + 2 > b.Length)
            {
                break;
            }
            offset += (long)step;
            long at = firstClock + VarInt.UnZigZag(clock);
            lines.Add(first with
            {
                Position = new SourcePosition(first.Position.SourceId, offset),
                Time = first.HasTime ? DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime : default,
                UptimeMicros = first.HasTime ? first.UptimeMicros + VarInt.UnZigZag(uptime) : at,
                Form = form,
                SpeedMbps = (int)VarInt.UnZigZag(speed),
                Duplex = (Duplex)b[o],
                FlowControl = (FlowControl)b[o + 1],
            });
            o += 2;
        }
        return lines;
    }
}
