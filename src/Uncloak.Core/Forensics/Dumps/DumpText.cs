using System.Text;
using Uncloak.Core.Text;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>Span helpers the dump parsers share: whitespace tokens, numbers with units, names.</summary>
internal static class DumpText
{
    public static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\r';

    /// <summary>Takes the next run of non-blank bytes; false at the end of the line.</summary>
    public static bool TryNextToken(ref ReadOnlySpan<byte> text, out ReadOnlySpan<byte> token)
    {
        int i = 0;
        while (i < text.Length && IsSpace(text[i]))
        {
            i++;
        }
        int start = i;
        while (i < text.Length && !IsSpace(text[i]))
        {
            i++;
        }
        token = text[start..i];
        text = text[i..];
        return token.Length > 0;
    }

    public static bool IsIndented(ReadOnlySpan<byte> line) => line.Length > 0 && (line[0] == ' ' || line[0] == '\t');

    public static bool IsBlank(ReadOnlySpan<byte> line) => Tokens.Trim(line).IsEmpty;

    public static bool TryLong(ReadOnlySpan<byte> text, out long value)
    {
        value = 0;
        bool negative = text.Length > 1 && text[0] == '-';
        if (!AsciiNumber.TryParseUInt64(negative ? text[1..] : text, out ulong v) || v > long.MaxValue)
        {
            return false;
        }
        value = negative ? -(long)v : (long)v;
        return true;
    }

    /// <summary>A decimal like <c>0.186</c> or <c>204</c> (ss prints rto/rtt with %g).</summary>
    public static bool TryDouble(ReadOnlySpan<byte> text, out double value)
        => double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out value) && double.IsFinite(value);

    /// <summary>
    /// A size as tc prints it (<c>print_size</c>): <c>0b</c>, <c>1514b</c>, <c>10Kb</c>, <c>2Mb</c>, <c>1Gb</c>; the unit is
    /// bytes with binary multiples. A bare number is bytes.
    /// </summary>
    public static bool TrySize(ReadOnlySpan<byte> text, out long bytes)
    {
        bytes = 0;
        if (text.EndsWith("b"u8))
        {
            text = text[..^1];
        }
        long multiplier = 1;
        if (text.Length > 0 && text[^1] is (byte)'K' or (byte)'M' or (byte)'G')
        {
            multiplier = text[^1] switch { (byte)'K' => 1L << 10, (byte)'M' => 1L << 20, _ => 1L << 30 };
            text = text[..^1];
        }
        if (TryLong(text, out long whole))
        {
            bytes = whole * multiplier;
            return true;
        }
        if (TryDouble(text, out double d) && d >= 0)
        {
            bytes = (long)(d * multiplier);
            return true;
        }
        return false;
    }

    public static string Name(ReadOnlySpan<byte> text) => Encoding.Latin1.GetString(text);
}
