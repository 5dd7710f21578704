namespace Uncloak.Core.Text;

/// <summary>Overflow-checked decimal and hex readers over ASCII bytes.</summary>
internal static class AsciiNumber
{
    /// <summary>
    /// Six decimal digits, the low six bytes of <paramref name="word"/> (read little-endian, so the first digit is the
    /// lowest byte), checked and combined without a loop: each byte's high nibble is 3 and stays 3 with 6 added (0–9),
    /// and the digits are combined pairwise by three multiplications.
    /// </summary>
    public static bool TryParseSixDigits(ulong word, out ulong value)
    {
        ulong bytes = word & 0xFFFF_FFFF_FFFF;
        if ((bytes & 0xF0F0_F0F0_F0F0) != 0x3030_3030_3030
            || ((bytes + 0x0606_0606_0606) & 0xF0F0_F0F0_F0F0) != 0x3030_3030_3030)
        {
            value = 0;
            return false;
        }
        ulong v = (bytes & 0x0F0F_0F0F_0F0F) << 16; // as eight digits, two leading zeros
        v = v * 2561 >> 8;
        v = (v & 0x00FF_00FF_00FF_00FF) * 6553601 >> 16;
        value = (v & 0x0000_FFFF_0000_FFFF) * 42949672960001 >> 32;
        return true;
    }

    /// <summary>Reads a run of decimal digits at the start; false when there is none or it overflows.</summary>
    public static bool TryReadUInt64(ReadOnlySpan<byte> text, out ulong value, out int consumed)
    {
        value = 0;
        consumed = 0;
        while (consumed < text.Length && (uint)(text[consumed] - '0') <= 9)
        {
            ulong next = value * 10 + (ulong)(text[consumed] - '0');
            if (consumed >= 19 && (value > ulong.MaxValue / 10 || next < value))
            {
                return false;
            }
            value = next;
            consumed++;
        }
        return consumed > 0;
    }

    public static bool TryReadUInt32(ReadOnlySpan<byte> text, out uint value, out int consumed)
    {
        value = 0;
        if (!TryReadUInt64(text, out ulong v, out consumed) || v > uint.MaxValue)
        {
            return false;
        }
        value = (uint)v;
        return true;
    }

    public static bool TryReadUInt16(ReadOnlySpan<byte> text, out ushort value, out int consumed)
    {
        value = 0;
        if (!TryReadUInt64(text, out ulong v, out consumed) || v > ushort.MaxValue)
        {
            return false;
        }
        value = (ushort)v;
        return true;
    }

    /// <summary>The whole span must be digits.</summary>
    public static bool TryParseUInt64(ReadOnlySpan<byte> text, out ulong value)
        => TryReadUInt64(text, out value, out int n) && n == text.Length;

    public static bool TryParseUInt32(ReadOnlySpan<byte> text, out uint value)
        => TryReadUInt32(text, out value, out int n) && n == text.Length;

    public static bool TryParseUInt16(ReadOnlySpan<byte> text, out ushort value)
        => TryReadUInt16(text, out value, out int n) && n == text.Length;

    public static bool TryParseInt32(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (!TryParseUInt64(text, out ulong v) || v > int.MaxValue)
        {
            return false;
        }
        value = (int)v;
        return true;
    }

    public static bool TryParseHex(ReadOnlySpan<byte> text, out ulong value)
    {
        value = 0;
        if (text.IsEmpty || text.Length > 16)
        {
            return false;
        }
        foreach (byte c in text)
        {
            int h = (uint)(c - '0') <= 9 ? c - '0' : (uint)((c | 0x20) - 'a') <= 5 ? (c | 0x20) - 'a' + 10 : -1;
            if (h < 0)
            {
                return false;
            }
            value = (value << 4) | (uint)h;
        }
        return true;
    }
}
