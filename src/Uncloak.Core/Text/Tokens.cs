namespace Uncloak.Core.Text;

/// <summary>Small span helpers shared by the message parsers.</summary>
internal static class Tokens
{
    /// <summary>The text after <paramref name="literal"/> when <paramref name="text"/> starts with it.</summary>
    public static bool TrySkip(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> literal)
    {
        if (!text.StartsWith(literal))
        {
            return false;
        }
        text = text[literal.Length..];
        return true;
    }

    /// <summary>Takes the text up to (not including) <paramref name="delimiter"/> and moves past it.</summary>
    public static bool TryTakeUntil(ref ReadOnlySpan<byte> text, ReadOnlySpan<byte> delimiter, out ReadOnlySpan<byte> token)
    {
        int i = text.IndexOf(delimiter);
        if (i < 0)
        {
            token = default;
            return false;
        }
        token = text[..i];
        text = text[(i + delimiter.Length)..];
        return true;
    }

    public static bool TryTakeUntil(ref ReadOnlySpan<byte> text, byte delimiter, out ReadOnlySpan<byte> token)
    {
        int i = text.IndexOf(delimiter);
        if (i < 0)
        {
            token = default;
            return false;
        }
        token = text[..i];
        text = text[(i + 1)..];
        return true;
    }

    public static bool TryReadUInt32(ref ReadOnlySpan<byte> text, out uint value)
    {
        if (!AsciiNumber.TryReadUInt32(text, out value, out int n))
        {
            return false;
        }
        text = text[n..];
        return true;
    }

    public static ReadOnlySpan<byte> TrimEnd(ReadOnlySpan<byte> text)
    {
        int end = text.Length;
        while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\t' || text[end - 1] == '\r'))
        {
            end--;
        }
        return text[..end];
    }

    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> text)
    {
        int start = 0;
        while (start < text.Length && (text[start] == ' ' || text[start] == '\t'))
        {
            start++;
        }
        return TrimEnd(text[start..]);
    }
}
