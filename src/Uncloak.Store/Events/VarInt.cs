namespace Uncloak.Store.Events;

/// <summary>
/// Unsigned LEB128 integers and zig-zag signed ones, for the blobs that hold a run's lines beside its row
/// (<see cref="LinkLines"/>, <see cref="ListenerRuns"/>): most values there are small deltas.
/// </summary>
internal static class VarInt
{
    public static ulong ZigZag(long v) => (ulong)((v << 1) ^ (v >> 63));

    public static long UnZigZag(ulong v) => (long)(v >> 1) ^ -(long)(v & 1);

    /// <summary>Writes <paramref name="v"/> (at most 10 bytes) and returns the bytes written.</summary>
    public static int Write(Span<byte> buf, ulong v)
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

    /// <summary>Reads one at <paramref name="o"/> and moves past it; false when the bytes end first.</summary>
    public static bool TryRead(ReadOnlySpan<byte> b, ref int o, out ulong v)
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
