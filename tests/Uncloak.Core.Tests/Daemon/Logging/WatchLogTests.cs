using Uncloak.Daemon.Logging;
using Xunit;

namespace Uncloak.Core.Tests.Daemon.Logging;

/// <summary>The daemon's journal lines: one event is one line, whatever its values hold.</summary>
public sealed class WatchLogTests
{
    private static string Written(Action<WatchLog> write, bool journal = false)
    {
        var text = new StringWriter();
        write(new WatchLog(text, journal));
        return text.ToString();
    }

    [Fact]
    public void A_value_with_line_breaks_stays_on_one_escaped_line()
    {
        // A request path a peer percent-encoded a newline into, and a stack trace: neither may start a forged journal line.
        var line = Written(l => l.WebRequestFailed("GET", "/metrics\n<3>forged event_id=2001", "System.Exception: boom\n   at X.Y()\r\n"), journal: true);
        Assert.Equal(1, line.Count(c => c == '\n'));
        Assert.StartsWith("<3>web request failed: answered 500 method=GET path=\"/metrics\\n<3>forged event_id=2001\"", line, StringComparison.Ordinal);
        Assert.Contains("error=\"System.Exception: boom\\n   at X.Y()\\r\\n\"", line, StringComparison.Ordinal);
        Assert.EndsWith(" event_id=6008\n", line, StringComparison.Ordinal);
    }

    [Fact]
    public void Quotes_backslashes_and_control_characters_are_escaped_and_plain_values_stay_bare()
    {
        var line = Written(l => l.SourceProblem("file:/var/log/a b", "bad \"x\" \\ \u0007", TimeSpan.FromSeconds(5)));
        Assert.Equal("source problem source=\"file:/var/log/a b\" problem=\"bad \\\"x\\\" \\\\ \\u0007\" retry_in=5s event_id=1002\n", line);
        Assert.Equal("metrics address=http://127.0.0.1:9477/metrics event_id=6004\n", Written(l => l.MetricsServing("127.0.0.1:9477")));
    }
}
