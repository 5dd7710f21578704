using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Uncloak.Core.Text;

/// <summary>
/// Where one byte value occurs in a span, as one bit per byte (64 to a word), found sixteen bytes at a time: a parser
/// that splits a line into many short tokens asks "where is the next space" from the bits instead of reading byte by byte.
/// </summary>
internal static class ByteMarks
{
    /// <summary>Words needed for <paramref name="length"/> bytes.</summary>
    public static int WordsFor(int length) => (length + 63) >> 6;

    /// <summary>Sets bit i of <paramref name="marks"/> (at least <see cref="WordsFor"/> long) where <c>s[i] == value</c>; clears the rest.</summary>
    public static void Mark(ReadOnlySpan<byte> s, byte value, Span<ulong> marks)
    {
        marks[..WordsFor(s.Length)].Clear();
        int i = 0;
        if (Vector128.IsHardwareAccelerated)
        {
            var needle = Vector128.Create(value);
            ref byte start = ref MemoryMarshal.GetReference(s);
            for (; i + 16 <= s.Length; i += 16)
            {
                ulong bits = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)i), needle).ExtractMostSignificantBits();
                marks[i >> 6] |= bits << (i & 63);
            }
        }
        for (; i < s.Length; i++)
        {
            if (s[i] == value)
            {
                marks[i >> 6] |= 1UL << (i & 63);
            }
        }
    }

    /// <summary>The first marked index in [<paramref name="from"/>, <paramref name="limit"/>), or <paramref name="limit"/> if none.</summary>
    public static int Next(ReadOnlySpan<ulong> marks, int from, int limit)
    {
        if (from >= limit)
        {
            return limit;
        }
        int word = from >> 6;
        ulong bits = marks[word] & (~0UL << (from & 63));
        while (bits == 0)
        {
            if (++word << 6 >= limit)
            {
                return limit;
            }
            bits = marks[word];
        }
        int at = (word << 6) + BitOperations.TrailingZeroCount(bits);
        return at < limit ? at : limit;
    }
}
