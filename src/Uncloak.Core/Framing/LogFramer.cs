namespace Uncloak.Core.Framing;

/// <summary>
/// Removes a transport's wrapping from one line (syslog header, kmsg header, journal JSON, dmesg stamp, logread,
/// journalctl short-* formats, talosctl) and hands back the kernel message with its time. The framing is
/// recognised per line, so a file that mixes framings (pasted fragments, concatenated dumps) is read right; the
/// file's <see cref="Format"/> only decides what a line with no recognisable framing is: the bare message in a
/// plain dmesg file (unless it is binary), malformed anywhere else. One instance per input; not thread-safe. Never throws on input.
/// </summary>
public sealed partial class LogFramer
{
    private const int MaxMessage = 64 * 1024;

    private readonly byte[] _scratch = new byte[MaxMessage];
    private readonly byte[] _host = new byte[256];
    private byte[]? _plain;

    // dmesg -H's clock: the last minute stamp, moved on by every delta line since (null before the first).
    private DateTime? _relative;

    // The framing the previous record used: where a line's first byte allows several, it is tried first.
    private LineFraming _last;
    private bool _sawKmsg;

    // The previous classic syslog stamp: lines of one second share it (Reference, its other input, never changes).
    private BsdStampCache _bsdStamp;

    public LogFramer(LogFormat format, DateTime logEndsAround)
    {
        Format = format;
        Reference = logEndsAround.Kind == DateTimeKind.Utc ? logEndsAround : logEndsAround.ToUniversalTime();
    }

    /// <summary>The file's dominant transport (from <see cref="LogFormatDetector"/>).</summary>
    public LogFormat Format { get; }

    /// <summary>When the log is known to end (its file's mtime): the anchor for year inference.</summary>
    public DateTime Reference { get; }

    public FrameResult Frame(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }
        if (TerminalEscapes.Has(line))
        {
            // The plain line lives in this framer's buffer until the next line is framed, as the callers expect of a record.
            _plain = _plain is { } p && p.Length >= line.Length ? p : new byte[Math.Max(line.Length, 1024)];
            line = _plain.AsSpan(0, TerminalEscapes.Strip(line, _plain));
        }
        if (line.IsEmpty)
        {
            return FrameResult.Skip;
        }
        if (TryFrame(line, out framed))
        {
            _last = framed.Framing;
            return FrameResult.Record;
        }
        if (line[0] == ' ' && (_sawKmsg || Format == LogFormat.Kmsg))
        {
            return FrameResult.Skip; // kmsg SUBSYSTEM= / DEVICE= dictionary lines
        }
        if (Format == LogFormat.Dmesg && !LogFormatDetector.LooksBinary(line))
        {
            framed = new FramedLine { UptimeMicros = -1, Priority = -1, Message = line, Framing = LineFraming.None };
            return FrameResult.Record;
        }
        framed = default;
        return FrameResult.Malformed;
    }

    /// <summary>
    /// First-byte dispatch: each framing starts with its own kind of byte, so at most a few are tried (the last ones, for
    /// text no stamp starts: a relay's name before a syslog line, a fragment pasted from inside one).
    /// </summary>
    private bool TryFrame(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        byte b = line[0];
        if ((uint)(b - '0') <= 9)
        {
            if (_last != LineFraming.Kmsg && TryIsoStamped(line, out framed))
            {
                return true;
            }
            return TryKmsg(line, out framed) || TryIsoStamped(line, out framed) || TryShortUnix(line, out framed) || TryTalos(line, out framed)
                || TryRelayed(line, out framed) || TryClockOnly(line, out framed);
        }
        if (b is >= (byte)'A' and <= (byte)'Z')
        {
            return TryBsd(line, out framed) || TryWeekday(line, out framed) || TryRelayed(line, out framed) || TryFragment(line, out framed);
        }
        switch (b)
        {
            case (byte)'[':
                return TryBracketed(line, out framed) || TryRelative(line, out framed);
            case (byte)'<':
                return TryRawLevel(line, out framed);
            case (byte)'{':
                return FrameJournalJson(line, out framed) == FrameResult.Record;
            case (byte)'k':
                return TryTalos(line, out framed) || TryRelayed(line, out framed) || TryFragment(line, out framed);
            default:
                return TryTalos(line, out framed) || TryRelayed(line, out framed) || TryFragment(line, out framed);
        }
    }

    private bool TryKmsg(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (!KmsgHeader.TryParse(line, out int priority, out _, out long usec, out int headerLength))
        {
            return false;
        }
        var message = line[headerLength..];
        if (message.IndexOf((byte)'\\') >= 0)
        {
            message = KmsgHeader.Unescape(message, _scratch);
        }
        _sawKmsg = true;
        framed = new FramedLine { UptimeMicros = usec, Priority = priority, Message = message, Framing = LineFraming.Kmsg };
        return true;
    }
}
