using System.Text;
using Uncloak.Core.Framing;
using Xunit;

namespace Uncloak.Core.Tests.Framing;

public sealed class FramingTests
{
    private static FrameResult Frame(LogFormat format, string line, DateTime reference, out DateTime time, out string message, out long uptime)
    {
        var framer = new LogFramer(format, reference);
        var result = framer.Frame(Encoding.UTF8.GetBytes(line), out var framed);
        time = framed.Time;
        uptime = framed.UptimeMicros;
        message = Encoding.UTF8.GetString(framed.Message);
        return result;
    }

    [Fact]
    public void Classic_syslog_years_are_inferred_across_new_year()
    {
        var logEnd = new DateTime(2026, 1, 2, 10, 0, 0, DateTimeKind.Utc);
        Frame(LogFormat.Syslog, "Dec 31 23:59:58 web1 kernel: a", logEnd, out var december, out _, out _);
        Frame(LogFormat.Syslog, "Jan  1 00:00:03 web1 kernel: b", logEnd, out var january, out _, out _);
        Assert.Equal(new DateTime(2025, 12, 31, 23, 59, 58, DateTimeKind.Utc), december);
        Assert.Equal(new DateTime(2026, 1, 1, 0, 0, 3, DateTimeKind.Utc), january);
        Assert.True(january > december);
    }

    [Fact]
    public void Syslog_header_kernel_tag_and_uptime_stamp_are_removed()
    {
        var r = Frame(LogFormat.Syslog, "Jun 17 04:07:59 web1 kernel: [  840.538439] TCP: hello", new DateTime(2025, 12, 1), out var t, out var msg, out long up);
        Assert.Equal(FrameResult.Record, r);
        Assert.Equal("TCP: hello", msg);
        Assert.Equal(840_538_439, up);
        Assert.Equal(new DateTime(2025, 6, 17, 4, 7, 59, DateTimeKind.Utc), t);
    }

    [Fact]
    public void Rfc3339_timestamps_are_converted_to_utc()
    {
        Frame(LogFormat.SyslogRfc3339, "2025-06-17T06:07:59.5+02:00 web1 kernel: x", default, out var t, out var msg, out _);
        Assert.Equal(new DateTime(2025, 6, 17, 4, 7, 59, 500, DateTimeKind.Utc), t);
        Assert.Equal("x", msg);
    }

    [Theory]
    [InlineData("Feb 30 04:07:59 web1 kernel: x")]
    [InlineData("Foo 17 04:07:59 web1 kernel: x")]
    [InlineData("Jun 17 25:07:59 web1 kernel: x")]
    [InlineData("Jun 17 04:07:59")]
    [InlineData("garbage")]
    public void Lines_that_are_not_syslog_are_malformed(string line)
        => Assert.Equal(FrameResult.Malformed, Frame(LogFormat.Syslog, line, new DateTime(2025, 12, 1), out _, out _, out _));

    [Fact]
    public void Kmsg_continuation_lines_are_skipped_and_escapes_undone()
    {
        Assert.Equal(FrameResult.Skip, Frame(LogFormat.Kmsg, " SUBSYSTEM=pci", default, out _, out _, out _));
        var r = Frame(LogFormat.Kmsg, "3,9871,5401102214,-,caller=T12;e1000e eth0: Detected Hardware Unit Hang:\\x0a  TDH  <6b>", default, out _, out var msg, out long up);
        Assert.Equal(FrameResult.Record, r);
        Assert.Equal(5_401_102_214, up);
        Assert.Equal("e1000e eth0: Detected Hardware Unit Hang:\n  TDH  <6b>", msg);
    }

    [Fact]
    public void Dmesg_human_timestamps_and_raw_levels_are_understood()
    {
        Frame(LogFormat.Dmesg, "[Tue Jun 17 04:07:59 2025] TCP: x", default, out var t, out var msg, out _);
        Assert.Equal(new DateTime(2025, 6, 17, 4, 7, 59, DateTimeKind.Utc), t);
        Assert.Equal("TCP: x", msg);
        Frame(LogFormat.Dmesg, "<6>[  840.538439] TCP: y", default, out _, out msg, out long up);
        Assert.Equal("TCP: y", msg);
        Assert.Equal(840_538_439, up);
        Frame(LogFormat.Dmesg, "kern  :info  : [  840.538439] TCP: z", default, out _, out msg, out _);
        Assert.Equal("TCP: z", msg);
        Frame(LogFormat.Dmesg, "TCP: no stamp at all", default, out _, out msg, out up);
        Assert.Equal("TCP: no stamp at all", msg);
        Assert.Equal(-1, up);
    }

    [Fact]
    public void Journal_json_message_as_byte_array_is_decoded()
    {
        var line = "{\"__REALTIME_TIMESTAMP\":\"1750133279123456\",\"_HOSTNAME\":\"web1\",\"MESSAGE\":[84,67,80,58,32,255]}";
        var framer = new LogFramer(LogFormat.JournalJson, default);
        Assert.Equal(FrameResult.Record, framer.Frame(Encoding.UTF8.GetBytes(line), out var framed));
        Assert.Equal(new byte[] { 84, 67, 80, 58, 32, 255 }, framed.Message.ToArray());
        Assert.Equal("web1", Encoding.UTF8.GetString(framed.Host));
    }

    [Theory]
    [InlineData("{\"MESSAGE\":\"unterminated")]
    [InlineData("{}")]
    [InlineData("{\"MESSAGE\":{\"a\":1}}")]
    [InlineData("[1,2,3]")]
    public void Broken_journal_json_is_malformed(string line)
        => Assert.Equal(FrameResult.Malformed, Frame(LogFormat.JournalJson, line, default, out _, out _, out _));

    [Theory]
    [InlineData("Jun 17 04:07:59 web1 kernel: x\nJun 17 04:08:00 web1 kernel: y\n", LogFormat.Syslog)]
    [InlineData("2025-06-17T04:07:59.1+00:00 web1 kernel: x\n", LogFormat.SyslogRfc3339)]
    [InlineData("6,1,2,-;x\n SUBSYSTEM=pci\n6,2,3,-;y\n", LogFormat.Kmsg)]
    [InlineData("{\"MESSAGE\":\"x\"}\n", LogFormat.JournalJson)]
    [InlineData("__CURSOR=s=1\nMESSAGE=x\n\n", LogFormat.JournalExport)]
    [InlineData("[  1.000000] x\n[  2.000000] y\n", LogFormat.Dmesg)]
    [InlineData("just words\n", LogFormat.Dmesg)]
    public void Formats_are_detected_from_content(string content, LogFormat expected)
        => Assert.Equal(expected, LogFormatDetector.Detect(Encoding.UTF8.GetBytes(content), new DateTime(2025, 12, 1)));

    /// <summary>
    /// printk's plain stamp is read in one pass before the general reader; each edge of that pass (padding, digits, the
    /// nine-digit fraction limit, the 48-byte bracket window, the 1e9-second limit, dmesg -d's delta) reads as before.
    /// </summary>
    [Theory]
    [InlineData("[  840.538439] x", 840_538_439L, 15)]
    [InlineData("[840.538439] x", 840_538_439L, 13)]
    [InlineData("[    0.5]x", 500_000L, 9)]
    [InlineData("[ 12.123456789] x", 12_123_456L, 16)]
    [InlineData("[ 12.1234567890] x", -1L, 0)]
    [InlineData("[1000000000.000001] x", 1_000_000_000_000_001L, 20)]
    [InlineData("[1000000001.0] x", -1L, 0)]
    [InlineData("[ 12.5 <    0.000004>] x", 12_500_000L, 23)]
    [InlineData("[\t12.5] x", 12_500_000L, 8)]
    [InlineData("[                                            12.5] x", -1L, 0)]
    [InlineData("[                                  12.5] x", 12_500_000L, 41)]
    [InlineData("[ 12.] x", -1L, 0)]
    [InlineData("[ .5] x", -1L, 0)]
    [InlineData("[ 12.5 x", -1L, 0)]
    [InlineData("[ 1.538439]x", 1_538_439L, 11)] // six digits read as one word: the word ends with the line
    [InlineData("[ 1.538439]", 1_538_439L, 11)] // too short for the word: read digit by digit
    [InlineData("[ 1.53a439] x", -1L, 0)]
    [InlineData("[ 1.538439x] x", -1L, 0)]
    [InlineData("[ 1.5384391] x", 1_538_439L, 13)]
    [InlineData("[ 1.53843] x", 1_538_430L, 11)]
    [InlineData("[ 1.000000] x", 1_000_000L, 12)]
    [InlineData("[ 1.999999] x", 1_999_999L, 12)]
    [InlineData("[ 1.//////] x", -1L, 0)] // '/' and ':' either side of the digits
    [InlineData("[ 1.::::::] x", -1L, 0)]
    [InlineData("[                                      1.538439] x", 1_538_439L, 49)] // the bracket at byte 47
    [InlineData("[                                       1.538439] x", -1L, 0)] // at byte 48: past the window
    public void Uptime_stamps_read_the_same_in_every_shape(string text, long micros, int consumed)
    {
        bool read = SyslogTimestamp.TryParseUptime(Encoding.ASCII.GetBytes(text), out long got, out int n);
        Assert.Equal(micros >= 0, read);
        Assert.Equal(micros, got);
        Assert.Equal(consumed, n);
    }

    [Fact]
    public void Uptime_stamps_of_any_padding_seconds_and_fraction_read_as_their_digits_say()
    {
        var rnd = new Random(18);
        for (int i = 0; i < 20_000; i++)
        {
            long secs = rnd.Next(4) == 0 ? rnd.NextInt64(1_000_000_001) : rnd.Next(100_000);
            string fraction = string.Concat(Enumerable.Range(0, rnd.Next(1, 10)).Select(_ => (char)('0' + rnd.Next(10))));
            string text = "[" + new string(' ', rnd.Next(0, 12)) + secs + "." + fraction + "]" + (rnd.Next(2) == 0 ? " x" : "");
            bool read = SyslogTimestamp.TryParseUptime(Encoding.ASCII.GetBytes(text), out long micros, out int consumed);
            Assert.True(read, text);
            Assert.Equal(secs * 1_000_000 + long.Parse(fraction.PadRight(6, '0')[..6]), micros);
            Assert.Equal(text.IndexOf(']') + (text.EndsWith(" x") ? 2 : 1), consumed);
        }
    }

    [Fact]
    public void Binary_content_is_not_a_log()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        Assert.Equal(LogFormat.Unknown, LogFormatDetector.Detect(bytes, default));
    }
}
