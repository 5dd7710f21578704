using System.Text;

namespace Uncloak.Linux.Files;

/// <summary>
/// What a log's bytes are encoded in, from its first bytes. Kernel logs are UTF-8 (or ASCII), but a log that went
/// through Windows on its way to the admin often is not: PowerShell's <c>&gt;</c> and <c>Out-File</c> write UTF-16LE with
/// a byte-order mark, Notepad may add a UTF-8 one. Read as they are, every other byte of UTF-16 is a NUL (taken for
/// crash damage: nothing read) and a UTF-8 mark makes the first line malformed.
/// </summary>
internal static class TextEncoding
{
    /// <summary>
    /// Consumes a byte-order mark and returns the stream to read UTF-8 from: <paramref name="stream"/> itself, or a
    /// transcoding stream over it for UTF-16 (with a mark, or little-endian without one: text every other byte of which
    /// is NUL). <paramref name="name"/> is "utf16" then, else null. The bytes the transcoder took from
    /// <paramref name="stream"/> stay countable there (<see cref="PeekableStream.Consumed"/>): the checks for a truncated
    /// file or gzip compare those with the file, not the UTF-8 that came out.
    /// </summary>
    public static PeekableStream Decode(PeekableStream stream, out string? name, out int markLength)
    {
        markLength = 0;
        Span<byte> head = stackalloc byte[512];
        int n = stream.Peek(head);
        head = head[..n];
        name = null;
        if (head.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            // Kept UTF-8: the mark is skipped and the text's offsets stay the file's (LogInput.TextStart).
            stream.ReadExactly(new byte[3]);
            markLength = 3;
            return stream;
        }
        Encoding? utf16 = head.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? Encoding.Unicode
            : head.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? Encoding.BigEndianUnicode
            : LooksLikeUtf16LittleEndian(head) ? Encoding.Unicode
            : null;
        if (utf16 is null)
        {
            return stream;
        }
        if (head.Length >= 2 && (head[0], head[1]) is (0xFF, 0xFE) or (0xFE, 0xFF))
        {
            stream.ReadExactly(new byte[2]);
        }
        name = "utf16";
        return new PeekableStream(Encoding.CreateTranscodingStream(stream, utf16, Encoding.UTF8));
    }

    /// <summary>ASCII text in UTF-16LE: the odd bytes are NUL, the even ones are not (a NUL run of crash damage is both).</summary>
    private static bool LooksLikeUtf16LittleEndian(ReadOnlySpan<byte> head)
    {
        if (head.Length < 32)
        {
            return false;
        }
        int pairs = head.Length / 2, oddNul = 0, evenNul = 0;
        for (int i = 0; i + 1 < head.Length; i += 2)
        {
            evenNul += head[i] == 0 ? 1 : 0;
            oddNul += head[i + 1] == 0 ? 1 : 0;
        }
        return oddNul * 10 >= pairs * 9 && evenNul * 10 <= pairs;
    }
}
