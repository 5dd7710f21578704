namespace Uncloak.Core.Framing;

/// <summary>
/// Decides a file's dominant transport from its first lines: up to 50 lines are framed one by one (the framing
/// is recognised per line, see <see cref="LogFramer"/>) and the transport that frames most of them wins; text with
/// no stamps at all is plain dmesg. NUL runs are crash damage, not content: they separate lines and are not held
/// against the file. Only content that is mostly binary, or a systemd journal file, is not a log.
/// </summary>
public static class LogFormatDetector
{
    /// <summary>Segments shorter than this say nothing about text or binary.</summary>
    private const int MinimumEvidence = 8;

    public static LogFormat Detect(ReadOnlySpan<byte> head, DateTime reference)
    {
        if (head.IsEmpty)
        {
            return LogFormat.Dmesg;
        }
        if (IsJournalFile(head))
        {
            return LogFormat.Unknown;
        }
        int start = head.IndexOfAnyExcept((byte)0);
        if (start < 0)
        {
            return LogFormat.Dmesg; // nothing but NULs so far: a damaged log whose text comes later
        }
        head = head[start..];
        if (LooksLikeExport(head))
        {
            return LogFormat.JournalExport;
        }
        // Each line votes for the transport its framing belongs to. Garbage, binary and overlong lines vote for
        // nothing, so a few bad lines at the top of a syslog file do not turn it into "plain text".
        Span<int> votes = stackalloc int[(int)LogFormat.Dmesg + 1];
        int lines = 0, binary = 0, stamped = 0;
        var framer = new LogFramer(LogFormat.Unknown, reference);
        var rest = head;
        while (!rest.IsEmpty && lines < 50)
        {
            int end = rest.IndexOfAny((byte)'\n', (byte)0);
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (line.Length < MinimumEvidence || line[0] == ' ' || line.Length > 4096)
            {
                continue;
            }
            if (LooksBinary(line))
            {
                binary++;
                continue;
            }
            lines++;
            if (framer.Frame(line, out var framed) == FrameResult.Record)
            {
                votes[(int)FormatOf(framed.Framing)]++;
                stamped += framed.Framing == LineFraming.None ? 0 : 1;
            }
        }
        // Mostly binary is not a log — unless a line carries a log's framing (a stamp, a syslog header): then it is a log
        // with garbage in it (a crash wrote random blocks after its first lines), read around the garbage.
        if (lines == 0 || (lines * 4 < binary && stamped == 0))
        {
            return binary > 0 ? LogFormat.Unknown : LogFormat.Dmesg;
        }
        var best = LogFormat.Dmesg;
        for (var f = LogFormat.Syslog; f <= LogFormat.Dmesg; f++)
        {
            if (votes[(int)f] > votes[(int)best])
            {
                best = f;
            }
        }
        // A stamped format must account for at least half the lines; otherwise they are plain messages (dmesg without stamps).
        return votes[(int)best] * 2 >= lines ? best : LogFormat.Dmesg;
    }

    /// <summary>The file transport a line framing belongs to.</summary>
    public static LogFormat FormatOf(LineFraming framing) => framing switch
    {
        LineFraming.Syslog or LineFraming.ShortFull or LineFraming.Logread or LineFraming.Fragment => LogFormat.Syslog,
        LineFraming.SyslogRfc3339 or LineFraming.Rfc5424 or LineFraming.ShortUnix => LogFormat.SyslogRfc3339,
        LineFraming.Kmsg => LogFormat.Kmsg,
        LineFraming.JournalJson => LogFormat.JournalJson,
        _ => LogFormat.Dmesg,
    };

    /// <summary>A systemd journal file (header signature <c>LPKSHHRH</c>): binary, to be exported with journalctl.</summary>
    public static bool IsJournalFile(ReadOnlySpan<byte> head) => head.StartsWith("LPKSHHRH"u8);

    private static bool LooksLikeExport(ReadOnlySpan<byte> head)
        => head.StartsWith("__CURSOR="u8) || head.StartsWith("__REALTIME_TIMESTAMP="u8) || head.StartsWith("__SEQNUM="u8);

    /// <summary>
    /// More than 10% control bytes (NUL included; tab/CR/LF/ESC excepted) in the first 4 KiB, or bytes that are not
    /// UTF-8 with more than a quarter of them above ASCII (random data; a Latin-1 word in a log line stays text).
    /// </summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }
        var sample = head[..Math.Min(head.Length, 4096)];
        int control = 0, high = 0;
        foreach (byte b in sample)
        {
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x1b)
            {
                control++;
            }
            else if (b >= 0x80)
            {
                high++;
            }
        }
        return control * 10 > sample.Length || (high * 4 > sample.Length && !System.Text.Unicode.Utf8.IsValid(sample));
    }
}
