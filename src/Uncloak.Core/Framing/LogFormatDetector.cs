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
        Span<int> hits = stackalloc int[7];
        int lines = 0;
        LogFormat[] candidates = [LogFormat.JournalJson, LogFormat.Kmsg, LogFormat.SyslogRfc3339, LogFormat.Syslog];
        var framers = candidates.Select(f => new LogFramer(f, reference)).ToArray();
        int dmesgStamped = 0;
        var rest = head;
        while (!rest.IsEmpty && lines < 50)
        {
            int nl = rest.IndexOf((byte)'\n');
            if (nl < 0 && rest.Length == head.Length && head.Length >= 64 * 1024)
            {
                break; // a single giant first line: judge by what the framers say of nothing
            }
            var line = nl < 0 ? rest : rest[..nl];
            rest = nl < 0 ? default : rest[(nl + 1)..];
            if (line.IsEmpty || line[0] == ' ')
            {
                continue;
            }
            lines++;
            for (int i = 0; i < framers.Length; i++)
            {
                if (framers[i].Frame(line, out _) == FrameResult.Record)
                {
                    hits[(int)candidates[i]]++;
                }
            }
            if (line[0] == '[' || (line[0] == '<' && line.Length > 3 && line[3] == '['))
            {
                dmesgStamped++;
            }
        }
        if (lines == 0)
        {
            return LogFormat.Dmesg;
        }
        var best = LogFormat.Dmesg;
        int bestHits = 0;
        foreach (var f in candidates)
        {
            if (hits[(int)f] > bestHits)
            {
                best = f;
                bestHits = hits[(int)f];
            }
        }
        // A stamped format must frame at least half the lines; otherwise treat as dmesg/plain messages.
        return bestHits * 2 >= lines && bestHits >= dmesgStamped ? best : LogFormat.Dmesg;
    }

    private static bool LooksLikeExport(ReadOnlySpan<byte> head)
        => head.StartsWith("__CURSOR="u8) || head.StartsWith("__REALTIME_TIMESTAMP="u8) || head.StartsWith("__SEQNUM="u8);

    /// <summary>More than 10% control bytes (NUL included; tab/CR/LF/ESC excepted) in the first 4 KiB.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head)
    {
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
