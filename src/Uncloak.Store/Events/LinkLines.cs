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
    /// The line's packed fields with what a run lets differ zeroed: two lines of one shape differ only in what
    /// <see cref="Write"/> keeps.
    /// </summary>
    public static int Shape(in NetEvent ev, Span<byte> buf)
        => EventPacking.Pack(ev with { Form = 0, SpeedMbps = 0, Duplex = default, FlowControl = default, UptimeMicros = 0 }, buf);

    public static int Write(Span<byte> buf, in NetEvent ev, long offsetStep, long clockDelta, long uptimeDelta)
    {
        int o = 0;
        o += WriteVar(buf[o..], (ulong)offsetStep);
        o += WriteVar(buf[o..], ZigZag(clockDelta));
        o += WriteVar(buf[o..], ZigZag(uptimeDelta));
        buf[o++] = ev.Form;
        o += WriteVar(buf[o..], ZigZag(ev.SpeedMbps));
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
            if (!TryReadVar(b, ref o, out ulong step) || !TryReadVar(b, ref o, out ulong clock) || !TryReadVar(b, ref o, out ulong uptime)
                || o >= b.Length)
            {
                break;
            }
            byte form = b[o++];
            if (!TryReadVar(b, ref o, out ulong speed) || o + 2 > b.Length)
            {
                break;
            }
            offset += (long)step;
            long at = firstClock + UnZigZag(clock);
            lines.Add(first with
            {
                Position = new SourcePosition(first.Position.SourceId, offset),
                Time = first.HasTime ? DateTimeOffset.FromUnixTimeMilliseconds(at).UtcDateTime : default,
                UptimeMicros = first.HasTime ? first.UptimeMicros + UnZigZag(uptime) : at,
                Form = form,
                SpeedMbps = (int)UnZigZag(speed),
                Duplex = (Duplex)b[o],
                FlowControl = (FlowControl)b[o + 1],
            });
            o += 2;
        }
        return lines;
    }

    private static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    private static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    private static int WriteVar(Span<byte> buf, ulong v)
    {
        int o = 0;
        while (v >= 0x80)
        {
            buf[o++] = (byte)(v | 0x80);
            v >>= 7;
        }
        buf[o++] = (byte)v;
        return o;
    }

    private static bool TryReadVar(ReadOnlySpan<byte> b, ref int o, out ulong v)
    {
        v = 0;
        for (int shift = 0; shift < 64 && o < b.Length; shift += 7)
        {
            byte x = b[o++];
            v |= (ulong)(x & 0x7F) << shift;
            if (x < 0x80)
            {
                return true;
            }
        }
        return false;
    }
}
