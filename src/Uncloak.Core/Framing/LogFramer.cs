using System.Text.Json;
using Uncloak.Core.Text;

namespace Uncloak.Core.Framing;

/// <summary>
/// Removes a transport's wrapping from one line (syslog header, kmsg header, journal JSON, dmesg stamp)
/// and hands back the kernel message with its time. One instance per input; not thread-safe. Never throws
/// on input: a line that does not fit the format is <see cref="FrameResult.Malformed"/>.
/// </summary>
public sealed class LogFramer
{
    private const int MaxMessage = 64 * 1024;

    private readonly byte[] _scratch = new byte[MaxMessage];
    private readonly byte[] _host = new byte[256];

    public LogFramer(LogFormat format, DateTime logEndsAround)
    {
        Format = format;
        Reference = logEndsAround.Kind == DateTimeKind.Utc ? logEndsAround : logEndsAround.ToUniversalTime();
    }

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
        if (line.IsEmpty)
        {
            return FrameResult.Skip;
        }
        return Format switch
        {
            LogFormat.Syslog => FrameSyslog(line, rfc3339: false, out framed),
            LogFormat.SyslogRfc3339 => FrameSyslog(line, rfc3339: true, out framed),
            LogFormat.Kmsg => FrameKmsg(line, out framed),
            LogFormat.JournalJson => FrameJournalJson(line, out framed),
            LogFormat.Dmesg => FrameDmesg(line, out framed),
            _ => FrameResult.Malformed,
        };
    }

    private FrameResult FrameSyslog(ReadOnlySpan<byte> line, bool rfc3339, out FramedLine framed)
    {
        framed = default;
        DateTime time;
        int i;
        if (rfc3339)
        {
            if (!SyslogTimestamp.TryParseRfc3339(line, out time, out i))
            {
                // Mixed files happen (a config change mid-file); accept the classic stamp too.
                if (!SyslogTimestamp.TryParseBsd(line, Reference, out time))
                {
                    return FrameResult.Malformed;
                }
                i = 15;
            }
        }
        else
        {
            if (!SyslogTimestamp.TryParseBsd(line, Reference, out time))
            {
                if (!SyslogTimestamp.TryParseRfc3339(line, out time, out i))
                {
                    return FrameResult.Malformed;
                }
            }
            else
            {
                i = 15;
            }
        }
        var rest = line[i..];
        if (rest.IsEmpty || rest[0] != ' ')
        {
            return FrameResult.Malformed;
        }
        rest = rest[1..];
        int sp = rest.IndexOf((byte)' ');
        if (sp <= 0)
        {
            return FrameResult.Malformed;
        }
        var host = rest[..sp];
        rest = rest[(sp + 1)..];
        if (rest.StartsWith("kernel: "u8))
        {
            rest = rest[8..];
        }
        long uptime = -1;
        if (!rest.IsEmpty && rest[0] == '[' && SyslogTimestamp.TryParseUptime(rest, out uptime, out int n))
        {
            rest = rest[n..];
        }
        framed = new FramedLine { Time = time, UptimeMicros = uptime, Priority = -1, Host = host, Message = rest };
        return FrameResult.Record;
    }

    private FrameResult FrameKmsg(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (line[0] == ' ')
        {
            return FrameResult.Skip; // SUBSYSTEM= / DEVICE= dictionary lines
        }
        if (!KmsgHeader.TryParse(line, out int priority, out _, out long usec, out int headerLength))
        {
            return FrameResult.Malformed;
        }
        var message = line[headerLength..];
        if (message.IndexOf((byte)'\\') >= 0)
        {
            message = KmsgHeader.Unescape(message, _scratch);
        }
        framed = new FramedLine { Time = default, UptimeMicros = usec, Priority = priority, Message = message };
        return FrameResult.Record;
    }

    private FrameResult FrameDmesg(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        int priority = -1;
        var rest = line;
        // dmesg -x: "kern  :info  : " (facility padded, colon, level padded, colon and space)
        if (rest.StartsWith("kern "u8) || rest.StartsWith("kern:"u8))
        {
            int colon = rest.IndexOf((byte)':');
            int levelEnd = colon < 0 ? -1 : rest[(colon + 1)..].IndexOf(": "u8);
            if (levelEnd >= 0 && levelEnd < 12)
            {
                rest = rest[(colon + 1 + levelEnd + 2)..];
            }
        }
        // dmesg -r / /proc/kmsg: "<6>"
        if (rest.Length >= 3 && rest[0] == '<' && (rest[2] == '>' || (rest.Length >= 4 && rest[3] == '>')))
        {
            int close = rest.IndexOf((byte)'>');
            if (AsciiNumber.TryParseInt32(rest[1..close], out int p))
            {
                priority = p & 7;
                rest = rest[(close + 1)..];
            }
        }
        long uptime = -1;
        DateTime time = default;
        if (!rest.IsEmpty && rest[0] == '[')
        {
            if (SyslogTimestamp.TryParseUptime(rest, out uptime, out int n))
            {
                rest = rest[n..];
            }
            else if (TryParseCtime(rest, out time, out n))
            {
                rest = rest[n..];
            }
        }
        framed = new FramedLine { Time = time, UptimeMicros = uptime, Priority = priority, Message = rest };
        return FrameResult.Record;
    }

    // dmesg -T: "[Tue Jun 17 04:07:59 2025] "
    private static bool TryParseCtime(ReadOnlySpan<byte> s, out DateTime time, out int consumed)
    {
        time = default;
        consumed = 0;
        if (s.Length < 26 || s[0] != '[' || s[25] != ']' || s[4] != ' ')
        {
            return false;
        }
        var body = s[5..25]; // "Jun 17 04:07:59 2025"
        if (!AsciiNumber.TryParseInt32(body[16..20], out int year) || year < 1970 || year > 9999)
        {
            return false;
        }
        if (!SyslogTimestamp.TryParseBsd(body[..15], new DateTime(year, 12, 31, 0, 0, 0, DateTimeKind.Utc), out time))
        {
            return false;
        }
        consumed = s.Length > 26 && s[26] == ' ' ? 27 : 26;
        return true;
    }

    private FrameResult FrameJournalJson(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        if (line[0] != '{')
        {
            return FrameResult.Malformed;
        }
        try
        {
            return ReadJournalObject(line, out framed);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // InvalidOperationException: CopyString refuses a string value that is not valid UTF-8.
            return FrameResult.Malformed;
        }
    }

    private FrameResult ReadJournalObject(ReadOnlySpan<byte> line, out FramedLine framed)
    {
        framed = default;
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { MaxDepth = 4 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return FrameResult.Malformed;
        }
        long realtime = -1, monotonic = -1, sourceMonotonic = -1;
        int priority = -1;
        int messageLength = -1;
        int hostLength = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            bool isMessage = name.SequenceEqual("MESSAGE"u8);
            bool isRealtime = !isMessage && name.SequenceEqual("__REALTIME_TIMESTAMP"u8);
            bool isSourceMono = !isMessage && name.SequenceEqual("_SOURCE_MONOTONIC_TIMESTAMP"u8);
            bool isMono = !isMessage && name.SequenceEqual("__MONOTONIC_TIMESTAMP"u8);
            bool isHost = !isMessage && name.SequenceEqual("_HOSTNAME"u8);
            bool isPriority = !isMessage && name.SequenceEqual("PRIORITY"u8);
            if (!reader.Read())
            {
                return FrameResult.Malformed;
            }
            if (isMessage && reader.TokenType == JsonTokenType.StartArray)
            {
                // journald writes a MESSAGE that is not valid UTF-8 as an array of byte values.
                messageLength = 0;
                while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                {
                    if (reader.TryGetByte(out byte b) && messageLength < _scratch.Length)
                    {
                        _scratch[messageLength++] = b;
                    }
                }
                continue;
            }
            if (reader.TokenType is JsonTokenType.StartArray or JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }
            if (reader.TokenType != JsonTokenType.String)
            {
                continue;
            }
            if (isMessage)
            {
                int len = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
                if (len > _scratch.Length)
                {
                    return FrameResult.Malformed;
                }
                messageLength = reader.CopyString(_scratch);
            }
            else if (isHost)
            {
                if (reader.ValueSpan.Length <= _host.Length && !reader.ValueIsEscaped)
                {
                    reader.ValueSpan.CopyTo(_host);
                    hostLength = reader.ValueSpan.Length;
                }
            }
            else if (isRealtime || isSourceMono || isMono || isPriority)
            {
                if (AsciiNumber.TryParseUInt64(reader.ValueSpan, out ulong v) && v <= long.MaxValue)
                {
                    if (isRealtime)
                    {
                        realtime = (long)v;
                    }
                    else if (isSourceMono)
                    {
                        sourceMonotonic = (long)v;
                    }
                    else if (isMono)
                    {
                        monotonic = (long)v;
                    }
                    else
                    {
                        priority = (int)Math.Min(v, 7);
                    }
                }
            }
        }
        if (messageLength < 0)
        {
            return FrameResult.Malformed;
        }
        DateTime time = default;
        if (realtime > 0 && realtime < 253_402_300_799_000_000L)
        {
            time = DateTime.UnixEpoch.AddTicks(realtime * 10);
        }
        framed = new FramedLine
        {
            Time = time,
            UptimeMicros = sourceMonotonic >= 0 ? sourceMonotonic : monotonic,
            Priority = priority,
            Host = _host.AsSpan(0, hostLength),
            Message = _scratch.AsSpan(0, messageLength),
        };
        return FrameResult.Record;
    }
}
