using System.Globalization;
using System.Text;

namespace Uncloak.Daemon.Logging;

/// <summary>
/// Structured log lines (logfmt: <c>msg key=value …</c>) on standard error. Under systemd (JOURNAL_STREAM set) each line
/// starts with the <c>&lt;N&gt;</c> syslog level prefix journald reads, so priorities survive; on a terminal it is plain.
/// Thread-safe: one line per call. The lines themselves, with their event ids, are listed in <see cref="LogEvents"/>.
/// </summary>
public sealed class WatchLog
{
    public const int Error = 3;
    public const int Warning = 4;
    public const int Notice = 5;
    public const int Info = 6;
    public const int Debug = 7;

    private readonly TextWriter _out;
    private readonly bool _prefix;
    private readonly Lock _lock = new();

    public WatchLog(TextWriter output, bool? journal = null)
    {
        _out = output;
        _prefix = journal ?? Environment.GetEnvironmentVariable("JOURNAL_STREAM") is { Length: > 0 };
    }

    public bool Verbose { get; init; }

    /// <summary>Writes one line; only <see cref="LogEvents"/> calls it, so every line has a name and an id.</summary>
    internal void Write(int eventId, int level, string message, params (string Key, object? Value)[] fields)
    {
        if (level >= Debug && !Verbose)
        {
            return;
        }
        var sb = new StringBuilder(128);
        if (_prefix)
        {
            sb.Append('<').Append(level.ToString(CultureInfo.InvariantCulture)).Append('>');
        }
        sb.Append(message);
        foreach (var (key, value) in fields)
        {
            sb.Append(' ').Append(key).Append('=');
            var text = value switch
            {
                null => "",
                DateTime t => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
                TimeSpan s => s.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + "s",
                IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
                _ => value.ToString() ?? "",
            };
            if (text.Length == 0 || text.AsSpan().IndexOfAny(NeedsQuotes) >= 0)
            {
                AppendQuoted(sb, text);
            }
            else
            {
                sb.Append(text);
            }
        }
        sb.Append(" event_id=").Append(eventId.ToString(CultureInfo.InvariantCulture));
        lock (_lock)
        {
            _out.WriteLine(sb.ToString());
            _out.Flush();
        }
    }

    /// <summary>Characters that make a value quoted: a space, a quote, '=', a backslash, or any control character.</summary>
    private static readonly System.Buffers.SearchValues<char> NeedsQuotes = System.Buffers.SearchValues.Create(
        " \"=\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\b\t\n\u000b\f\r\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f\u007f");

    /// <summary>
    /// A value in quotes with quotes, backslashes and control characters escaped: one event stays one journal line even
    /// when a value (a stack trace, a request path a peer percent-encoded a newline into) holds line breaks.
    /// </summary>
    private static void AppendQuoted(StringBuilder sb, string text)
    {
        sb.Append('"');
        foreach (char c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case < ' ' or '\u007f': sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: sb.Append(c); break;
            }
        }
        sb.Append('"');
    }
}
