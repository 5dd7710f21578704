namespace Uncloak.Core.Framing;

/// <summary>
/// Decides a file's transport from its first lines. Each candidate format is tried on up to 50
/// non-empty lines and the one that frames most of them wins; text with no stamps at all is plain
/// dmesg. Content with NUL bytes or mostly non-text bytes is not a log.
/// </summary>
public static class LogFormatDetector
{
    public static LogFormat Detect(ReadOnlySpan<byte> head, DateTime reference)
    {
        if (head.IsEmpty)
        {
            return LogFormat.Dmesg;
        }
        if (LooksBinary(head))
        {
            return LogFormat.Unknown;
        }
        if (LooksLikeExport(head))
        {
            return LogFormat.JournalExport;
        }
        // Per line, which transport's stamp it carries. Garbage and overlong lines vote for nothing, so a
        // few bad lines at the top of a syslog file do not turn it into "plain text".
        int json = 0, kmsg = 0, rfc3339 = 0, bsd = 0, stamped = 0, lines = 0;
        var jsonFramer = new LogFramer(LogFormat.JournalJson, reference);
        var rest = head;
        while (!rest.IsEmpty && lines < 50)
        {
            int nl = rest.IndexOf((byte)'\n');
            var line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? default : rest[(nl + 1)..];
            if (line.IsEmpty || line[0] == ' ' || line.Length > 4096 || LooksBinary(line))
            {
                continue;
            }
            lines++;
            if (line[0] == '{' && jsonFramer.Frame(line, out _) == FrameResult.Record)
            {
                json++;
            }
            else if (KmsgHeader.TryParse(line, out _, out _, out _, out _))
            {
                kmsg++;
            }
            else if (SyslogTimestamp.TryParseRfc3339(line, out _, out _))
            {
                rfc3339++;
            }
            else if (SyslogTimestamp.TryParseBsd(line, reference, out _))
            {
                bsd++;
            }
            else if (line[0] == '[' || line[0] == '<')
            {
                stamped++;
            }
        }
        if (lines == 0)
        {
            return LogFormat.Dmesg;
        }
        (int Hits, LogFormat Format)[] votes = [(json, LogFormat.JournalJson), (kmsg, LogFormat.Kmsg), (bsd, LogFormat.Syslog), (rfc3339, LogFormat.SyslogRfc3339), (stamped, LogFormat.Dmesg)];
        var best = votes.MaxBy(v => v.Hits);
        // A stamped format must account for at least half the lines; otherwise they are plain messages (dmesg without stamps).
        return best.Hits * 2 >= lines ? best.Format : LogFormat.Dmesg;
    }

    private static bool LooksLikeExport(ReadOnlySpan<byte> head)
        => head.StartsWith("__CURSOR="u8) || head.StartsWith("__REALTIME_TIMESTAMP="u8) || head.StartsWith("__SEQNUM="u8);

    /// <summary>More than 10% control bytes (NUL included; tab/CR/LF/ESC excepted) in the first 4 KiB.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return false;
        }
        var sample = head[..Math.Min(head.Length, 4096)];
        int control = 0;
        foreach (byte b in sample)
        {
            if (b < 0x20 && b != '\n' && b != '\r' && b != '\t' && b != 0x1b)
            {
                control++;
            }
        }
        return control * 10 > sample.Length;
    }
}
