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
            if (text.Length == 0 || text.AsSpan().IndexOfAny(" \"=") >= 0)
            {
                sb.Append('"').Append(text.Replace("\"", "\\\"", StringComparison.Ordinal)).Append('"');
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
}
