using System.Buffers.Binary;

namespace Uncloak.Core.Text;

/// <summary>
/// A multiplicative hash of bytes a word at a time, the same in every run: <see cref="HashCode"/> is seeded per process,
/// which made the hits of the small caches keyed by it, and the instruction counts compared between builds, vary from
/// run to run. Every byte counts: messages of one family differ in their middle (a listener's address and port, a device
/// number).
/// </summary>
public static class ByteHash
{
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        const ulong Mix = 0x9E3779B97F4A7C15;
        ulong h = (ulong)bytes.Length;
        int i = 0;
        for (; i + 8 <= bytes.Length; i += 8)
        {
            h = (h ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[i..])) * Mix;
        }
        for (; i < bytes.Length; i++)
        {
            h = (h ^ bytes[i]) * Mix;
        }
        return h;
    }
}
