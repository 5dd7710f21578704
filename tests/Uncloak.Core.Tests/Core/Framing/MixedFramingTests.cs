using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Xunit;

namespace Uncloak.Core.Tests.Framing;

/// <summary>
/// Issue 18 item 1: a file that mixes every framing is read per line, each line's fields right, and no field ever
/// swallows framing (no driver named "Tue", no interface "[", no firewall prefix holding a timestamp).
/// </summary>
public sealed partial class MixedFramingTests
{
    private static readonly DateTime LogEnd = new(2025, 12, 31, 0, 0, 0, DateTimeKind.Utc);

    private static string SamplePath => Path.Combine(AppContext.BaseDirectory, "samples", "framing", "mixed.log");

    /// <summary>The sample's log lines (comments removed), each with its expectation.</summary>
    private static List<(string Line, JsonElement Expect)> Cases()
    {
        var cases = new List<(string, JsonElement)>();
        JsonElement? expect = null;
        foreach (var line in File.ReadAllLines(SamplePath))
        {
            if (line.StartsWith("# expect:", StringComparison.Ordinal))
            {
                expect = JsonDocument.Parse(line["# expect:".Length..]).RootElement.Clone();
            }
            else if (!line.StartsWith('#'))
            {
                Assert.True(expect is not null, $"no expectation for: {line}");
                cases.Add((line, expect!.Value));
                expect = null;
            }
        }
        return cases;
    }

    private static byte[] Content() => Encoding.UTF8.GetBytes(string.Join('\n', Cases().Select(c => c.Line)) + "\n");

    private sealed class Collector : IEventSink
    {
        public Dictionary<long, NetEvent> ByOffset { get; } = [];

        public void Add(in NetEvent ev, ReadOnlySpan<byte> message) => ByOffset.Add(ev.Position.Offset, ev);
    }

    [Fact]
    public void Every_line_of_a_file_mixing_all_framings_is_framed_and_decoded_as_expected()
    {
        var cases = Cases();
        var content = Content();
        var format = LogFormatDetector.Detect(content, LogEnd);
        var scanner = new LogScanner(format, LogEnd, sourceId: 1);
        var sink = new Collector();
        scanner.Scan(new LineReader(new MemoryStream(content)), sink);
        Assert.Equal(0, scanner.Statistics.Malformed);

        var framer = new LogFramer(format, LogEnd);
        long offset = 0;
        foreach (var (line, expect) in cases)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var result = framer.Frame(bytes, out var framed);
            if (expect.TryGetProperty("skip", out _))
            {
                Assert.Equal(FrameResult.Skip, result);
            }
            else
            {
                Assert.True(result == FrameResult.Record, $"not framed: {line}");
                Assert.Equal(expect.GetProperty("framing").GetString(), framed.Framing.ToString());
                if (expect.TryGetProperty("priority", out var priority))
                {
                    Assert.True(priority.GetInt32() == framed.Priority, $"priority {framed.Priority} for: {line}");
                }
                CheckEvent(line, expect, sink.ByOffset.TryGetValue(offset, out var ev) ? ev : null);
            }
            offset += bytes.Length + 1;
        }
    }

    private static void CheckEvent(string line, JsonElement expect, NetEvent? ev)
    {
        if (expect.TryGetProperty("match", out var match) && !match.GetBoolean())
        {
            Assert.True(ev is null, $"expected no event, got {ev?.Kind.Name()} for: {line}");
            return;
        }
        Assert.True(ev is not null, $"no event for: {line}");
        var actual = EventFields.Of(ev!.Value);
        foreach (var field in expect.EnumerateObject().Where(f => f.Name is not ("framing" or "priority")))
        {
            if (field.Value.ValueKind == JsonValueKind.Null)
            {
                Assert.False(actual.ContainsKey(field.Name), $"'{field.Name}' should be absent for: {line}");
                continue;
            }
            Assert.True(actual.TryGetValue(field.Name, out var value), $"'{field.Name}' missing for: {line}");
            string want = field.Value.ValueKind == JsonValueKind.String ? field.Value.GetString()! : field.Value.GetRawText();
            string have = value switch { long l => l.ToString(CultureInfo.InvariantCulture), _ => value.ToString()! };
            Assert.True(want == have, $"'{field.Name}' is '{have}', expected '{want}' for: {line}");
        }
    }

    [Fact]
    public void No_field_of_any_event_holds_framing()
    {
        var sink = new Collector();
        var content = Content();
        new LogScanner(LogFormatDetector.Detect(content, LogEnd), LogEnd, sourceId: 1).Scan(new LineReader(new MemoryStream(content)), sink);
        Assert.True(sink.ByOffset.Count >= 20);
        foreach (var ev in sink.ByOffset.Values)
        {
            foreach (var field in new[] { ev.Driver, ev.Interface, ev.Prefix })
            {
                if (field is null)
                {
                    continue;
                }
                Assert.DoesNotMatch(Framing(), field);
                Assert.NotEqual("web1", field);
            }
        }
    }

    /// <summary>What a field holds when framing leaked into it: a weekday, a month, a stamp, a bracket alone, a syslog tag or level.</summary>
    [GeneratedRegex(@"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)$|\d\d:\d\d:\d\d|^\[$|^\[ |kernel:|kern\.|^\d+\.\d+\]")]
    private static partial Regex Framing();

    [Theory]
    [InlineData("Dec 31 23:00:00 web1 kernel: x", "2024-12-31T23:00:00")] // 14 h slack still ends before this: last year
    [InlineData("Dec 31 10:00:00 web1 kernel: x", "2025-12-31T10:00:00")] // within the time-zone slack: this year
    [InlineData("Jun 17 04:07:59 web1 kernel: x", "2025-06-17T04:07:59")]
    [InlineData("Feb 29 04:07:59 web1 kernel: x", "2024-02-29T04:07:59")] // 2025 has no Feb 29: the last leap year
    public void A_syslog_line_is_never_dated_after_the_log_ended(string line, string expected)
    {
        var reference = new DateTime(2025, 12, 31, 8, 0, 0, DateTimeKind.Utc);
        var framer = new LogFramer(LogFormat.Syslog, reference);
        Assert.Equal(FrameResult.Record, framer.Frame(Encoding.UTF8.GetBytes(line), out var framed));
        Assert.Equal(DateTime.Parse(expected, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal), framed.Time);
        Assert.True(framed.Time <= reference + SyslogTimestamp.FutureSlack);
    }

    [Fact]
    public void A_framer_that_reuses_the_previous_stamp_dates_every_line_as_a_fresh_framer_does()
    {
        // One framer keeps the previous syslog stamp's time (a busy log writes many lines a second): it must never
        // carry over to a line whose stamp differs, whatever the order, nor make a bad stamp good.
        string[] lines =
        [
            "Dec 31 23:00:00 web1 kernel: a",
            "Dec 31 23:00:00.250000 web1 kernel: b",
            "Dec 31 23:00:00 web1 kernel: c",
            "Dec 31 10:00:00 web1 kernel: d",
            "Dec 31 23:00:00,5 web1 kernel: e",
            "Feb 29 04:07:59 web1 kernel: f",
            "Feb 29 04:07:59.5 web1 kernel: g",
            "Feb 30 04:07:59 web1 kernel: h",
            "Feb 29 04:08:00 web1 kernel: i",
            "Feb 29 04:08:00",
            "Jun  1 00:00:00 web1 kernel: j",
            "Jun 01 00:00:00 web1 kernel: k",
        ];
        var reference = new DateTime(2025, 12, 31, 8, 0, 0, DateTimeKind.Utc);
        var reused = new LogFramer(LogFormat.Syslog, reference);
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            var expected = new LogFramer(LogFormat.Syslog, reference).Frame(bytes, out var fresh);
            Assert.Equal(expected, reused.Frame(bytes, out var framed));
            Assert.Equal(fresh.Time, framed.Time);
            Assert.Equal(Encoding.UTF8.GetString(fresh.Message), Encoding.UTF8.GetString(framed.Message));
        }
    }

    [Fact]
    public void A_day_later_in_the_reference_month_is_last_year()
    {
        var reference = new DateTime(2025, 12, 3, 12, 0, 0, DateTimeKind.Utc);
        var framer = new LogFramer(LogFormat.Syslog, reference);
        framer.Frame("Dec 20 10:00:00 web1 kernel: x"u8, out var framed);
        Assert.Equal(new DateTime(2024, 12, 20, 10, 0, 0, DateTimeKind.Utc), framed.Time);
    }
}
