using System.Globalization;

namespace Uncloak.Core.Forensics.Capture;

/// <summary>
/// Writes a bundle's <c>kernel.log</c> from kernel messages kept in memory: one RFC 3339 syslog line each
/// (<c>2026-12-03T17:00:01.123456+00:00 HOST kernel: MESSAGE</c>, rsyslog's high-precision format), which the
/// framing reads back with its year and zone, so the lines land at their true times on any machine.
/// </summary>
public static class KernelLogText
{
    public static void Write(TextWriter output, string host, IEnumerable<(DateTime Time, string Text)> lines)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(lines);
        string h = string.IsNullOrWhiteSpace(host) ? "localhost" : host.Trim().Replace(' ', '_');
        foreach (var (time, text) in lines.OrderBy(l => l.Time))
        {
            string message = text.ReplaceLineEndings(" ").TrimEnd();
            output.Write(string.Create(CultureInfo.InvariantCulture, $"{time.ToUniversalTime():yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 {h} kernel: {message}\n"));
        }
    }
}
