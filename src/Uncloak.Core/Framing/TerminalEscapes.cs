namespace Uncloak.Core.Framing;

/// <summary>
/// Terminal escape sequences in a log line: <c>dmesg --color=always</c> (green stamps, the subsystem in yellow, the
/// message by level), journalctl with colours forced, a <c>script</c> or tmux capture pasted into a file. Left in, they
/// are read as part of the framing and the fields (an interface named <c>\e[0m\e[1mNIC</c>, a driver named after
/// the stamp). Removed here: CSI sequences (ESC [ parameters intermediates final), OSC strings (ESC ] … BEL or ESC \)
/// and the other escapes (ESC, intermediate bytes, one final byte).
/// </summary>
public static class TerminalEscapes
{
    private const byte Esc = 0x1B;

    /// <summary>True when the line holds an escape character (vectorized; the common case costs one scan).</summary>
    public static bool Has(ReadOnlySpan<byte> line) => line.Contains(Esc);

    /// <summary>Copies <paramref name="line"/> without its escape sequences into <paramref name="into"/> (at least as long); returns the length.</summary>
    public static int Strip(ReadOnlySpan<byte> line, Span<byte> into)
    {
        int n = 0;
        int i = 0;
        while (i < line.Length)
        {
            int esc = line[i..].IndexOf(Esc);
            if (esc < 0)
            {
                line[i..].CopyTo(into[n..]);
                return n + line.Length - i;
            }
            line.Slice(i, esc).CopyTo(into[n..]);
            n += esc;
            i = SkipSequence(line, i + esc);
        }
        return n;
    }

    /// <summary>The index just past the escape sequence that starts at <paramref name="at"/> (an ESC).</summary>
    private static int SkipSequence(ReadOnlySpan<byte> line, int at)
    {
        int i = at + 1;
        if (i >= line.Length)
        {
            return i;
        }
        switch (line[i])
        {
            case (byte)'[':
                i++;
                while (i < line.Length && line[i] is >= 0x20 and <= 0x3F)
                {
                    i++; // parameter and intermediate bytes
                }
                return i < line.Length && line[i] is >= 0x40 and <= 0x7E ? i + 1 : i;
            case (byte)']':
                for (i++; i < line.Length; i++)
                {
                    if (line[i] == 0x07)
                    {
                        return i + 1;
                    }
                    if (line[i] == Esc && i + 1 < line.Length && line[i + 1] == '\\')
                    {
                        return i + 2;
                    }
                }
                return i;
            default:
                while (i < line.Length && line[i] is >= 0x20 and <= 0x2F)
                {
                    i++; // intermediates, as in ESC ( B (select the ASCII set: tput sgr0 ends with it)
                }
                return Math.Min(i + 1, line.Length);
        }
    }
}
