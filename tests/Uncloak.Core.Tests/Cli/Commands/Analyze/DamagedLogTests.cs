using System.Diagnostics;
using System.Text;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Files;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>
/// Issue 18 item 3 and issue 17 items 10–11: logs damaged by a crash (NUL runs), random binary in the middle, a file
/// truncated while read, and a FIFO with no writer yet.
/// </summary>
public sealed class DamagedLogTests : IDisposable
{
    private readonly string _dir = CliRun.TempDir();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>Syslog lines, one NIC link flap each (an event each), numbered so a lost one shows.</summary>
    private static byte[] Lines(int from, int count)
    {
        var sb = new StringBuilder();
        for (int i = from; i < from + count; i++)
        {
            sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"Jun 17 04:{i / 60 % 60:00}:{i % 60:00} web1 kernel: [{i,5}.000000] e1000e 0000:00:19.0 eth0: NIC Link is {(i % 2 == 0 ? "Down" : "Up 1000 Mbps Full Duplex, Flow Control: None")}\n");
        }
        return Encoding.ASCII.GetBytes(sb.ToString());
    }

    private string Write(string name, params byte[][] parts)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, [.. parts.SelectMany(p => p)]);
        return path;
    }

    private static long NicEvents(string stdout) => CliRun.Json(stdout).GetProperty("events").GetProperty("nic_link").GetInt64();

    [Fact]
    public void A_log_starting_with_one_megabyte_of_nuls_and_with_nul_runs_inside_is_read_whole_and_the_damage_reported()
    {
        var path = Write("kern.log", new byte[1 << 20], Lines(0, 400), new byte[4096], Lines(400, 300), new byte[70_000], Lines(700, 300));
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.Equal(1000, NicEvents(stdout));
        var source = CliRun.Json(stdout).GetProperty("sources")[0];
        Assert.Equal("Syslog", source.GetProperty("format").GetString());
        Assert.Equal(0, source.GetProperty("malformed").GetInt64());
        var damaged = source.GetProperty("damaged");
        Assert.Equal(3, damaged.GetProperty("ranges").GetInt64());
        Assert.Equal((1 << 20) + 4096 + 70_000, damaged.GetProperty("bytes").GetInt64());
        var ranges = damaged.GetProperty("skipped").EnumerateArray().Select(r => (r.GetProperty("offset").GetInt64(), r.GetProperty("length").GetInt64())).ToList();
        long second = (1 << 20) + Lines(0, 400).Length;
        Assert.Equal([(0L, 1L << 20), (second, 4096L), (second + 4096 + Lines(400, 300).Length, 70_000L)], ranges);
        Assert.Contains("skipped 1,122,672 bytes of NULs (crash damage) in 3 range(s), the first at byte 0", stderr);

        var (_, text, _) = CliRun.Run("analyze", "--no-store", path);
        Assert.Contains("Damaged input:", text);
    }

    [Fact]
    public void The_line_after_a_short_nul_run_is_not_lost()
    {
        // Regression (issue 17 item 11): 999 of 1,000 were read, the NUL run swallowing the next good line.
        var all = Lines(0, 1000);
        int cut = Encoding.ASCII.GetString(all).IndexOf("Jun 17 04:08:20", StringComparison.Ordinal);
        var path = Write("kern.log", new byte[300], all[..cut], new byte[37], all[cut..]);
        var (exit, stdout, _) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.Equal(1000, NicEvents(stdout));
        Assert.Equal(2, CliRun.Json(stdout).GetProperty("sources")[0].GetProperty("damaged").GetProperty("ranges").GetInt64());
    }

    [Fact]
    public void A_line_cut_off_by_nuls_is_malformed_and_the_next_one_read()
    {
        var whole = Lines(0, 10);
        int half = Lines(0, 5).Length + 30; // 30 bytes into line 6, then the rest of the block is lost
        var path = Write("kern.log", whole[..half], new byte[512], Lines(10, 10));
        var (exit, stdout, _) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.Equal(15, NicEvents(stdout));
        Assert.Equal(1, CliRun.Json(stdout).GetProperty("sources")[0].GetProperty("malformed").GetInt64());
    }

    [Fact]
    public void Random_binary_in_the_middle_is_malformed_and_never_stops_the_file()
    {
        var garbage = new byte[20_000];
        new Random(3).NextBytes(garbage);
        var path = Write("kern.log", Lines(0, 500), garbage, new byte[] { (byte)'\n' }, Lines(500, 500));
        var (exit, stdout, _) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.Equal(1000, NicEvents(stdout));
        Assert.True(CliRun.Json(stdout).GetProperty("sources")[0].GetProperty("malformed").GetInt64() > 0);
    }

    [Fact]
    public void Binary_at_the_start_does_not_refuse_a_log_whose_text_follows()
    {
        var garbage = new byte[4096];
        new Random(5).NextBytes(garbage);
        var path = Write("kern.log", garbage, new byte[] { (byte)'\n' }, Lines(0, 1000));
        var (exit, stdout, _) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.Equal(1000, NicEvents(stdout));
    }

    [Fact]
    public void A_journal_file_is_refused_with_how_to_export_it()
    {
        var header = new byte[4096];
        "LPKSHHRH"u8.CopyTo(header);
        var path = Write("system.journal", header, Lines(0, 10));
        var (exit, _, stderr) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(2, exit);
        Assert.Contains("systemd journal file", stderr);
        Assert.Contains("journalctl --file FILE -o export", stderr);
    }

    [Fact]
    public void A_file_truncated_while_it_is_read_is_flagged()
    {
        var path = Write("kern.log", Lines(0, 2000));
        using var input = LogInput.Open(path);
        var scanner = new LogScanner(input.Format, input.EndsAround, 0);
        var reader = new LineReader(input.Stream, bufferSize: 1);
        // Read what the reader buffered (its first 128 KiB), then the file is cut as copytruncate would.
        Assert.True(reader.TryReadLine(out _, out _, out _));
        using (var cut = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
        {
            cut.SetLength(0);
        }
        scanner.Scan(reader, new NullSink());
        var problem = input.CheckTruncated(scanner.Statistics.Bytes);
        Assert.NotNull(problem);
        Assert.Contains("truncated while being read", problem);
        Assert.Null(LogInput.Open(Write("whole.log", Lines(0, 10))).CheckTruncated(Lines(0, 10).Length));
    }

    [Fact]
    public async Task A_fifo_with_no_writer_yet_is_waited_for_and_read_as_a_stream()
    {
        var fifo = Path.Combine(_dir, "kern.fifo");
        using (var mk = Process.Start("mkfifo", [fifo]))
        {
            mk.WaitForExit();
            Assert.Equal(0, mk.ExitCode);
        }
        var analysis = Task.Run(() => CliRun.Run("analyze", "--json", "--no-store", fifo));
        var content = Lines(0, 1000);
        var writer = Task.Run(() =>
        {
            using var w = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            w.Write(content);
        });
        // Bounded: a reader that never sees the writer fails the test instead of hanging the run.
        await Task.WhenAll(analysis, writer).WaitAsync(TimeSpan.FromSeconds(60));
        var (exit, stdout, stderr) = await analysis;
        Assert.Equal(0, exit);
        Assert.DoesNotContain("no such file", stderr);
        Assert.Contains("named pipe", stderr);
        Assert.Equal(1000, NicEvents(stdout));
    }

    private sealed class NullSink : IEventSink
    {
        public void Add(in Uncloak.Core.Events.NetEvent ev, ReadOnlySpan<byte> message)
        {
        }
    }

    [Fact]
    public void Random_binary_right_after_the_first_line_does_not_make_the_log_refused()
    {
        // A crash wrote 20 KB of random blocks after the first line: within the 4 KiB the format is told from, most
        // "lines" are binary, but the one stamped syslog line says it is a log; both good lines are read.
        var garbage = new byte[20_000];
        new Random(7).NextBytes(garbage);
        var path = Write("kern.log", Lines(0, 1), garbage, "\n"u8.ToArray(), Lines(1, 1));
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("does not look like a text log", stderr, StringComparison.Ordinal);
        Assert.Equal(2, NicEvents(stdout));
        Assert.True(CliRun.Json(stdout).GetProperty("malformed").GetInt64() > 0);
    }

    [Fact]
    public void Random_binary_with_no_log_line_is_still_refused()
    {
        var garbage = new byte[20_000];
        new Random(7).NextBytes(garbage);
        var (exit, _, stderr) = CliRun.Run("analyze", "--json", "--no-store", Write("blob.log", garbage));
        Assert.Equal(2, exit);
        Assert.Contains("does not look like a text log", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("utf-16le-bom")]
    [InlineData("utf-16le")]
    [InlineData("utf-16be-bom")]
    [InlineData("utf-8-bom")]
    public void A_log_saved_through_windows_tools_is_read_whole(string encoding)
    {
        // PowerShell's `>` and Out-File write UTF-16LE with a byte-order mark; Notepad may add a UTF-8 mark.
        string text = Encoding.ASCII.GetString(Lines(0, 200));
        byte[] bytes = encoding switch
        {
            "utf-16le-bom" => [0xFF, 0xFE, .. Encoding.Unicode.GetBytes(text)],
            "utf-16le" => Encoding.Unicode.GetBytes(text),
            "utf-16be-bom" => [0xFE, 0xFF, .. Encoding.BigEndianUnicode.GetBytes(text)],
            _ => [0xEF, 0xBB, 0xBF, .. Encoding.ASCII.GetBytes(text)],
        };
        var path = Write("kern.log", bytes);
        var (exit, stdout, stderr) = CliRun.Run("analyze", "--json", "--no-store", path);
        Assert.True(exit == 0, stderr);
        Assert.Equal(200, NicEvents(stdout));
        var source = CliRun.Json(stdout).GetProperty("sources")[0];
        Assert.Equal(0, source.GetProperty("malformed").GetInt64());
        Assert.Equal(encoding.StartsWith("utf-16", StringComparison.Ordinal) ? "Syslog+utf16" : "Syslog", source.GetProperty("format").GetString());
        Assert.False(source.TryGetProperty("damaged", out _), "no NUL of UTF-16 is taken for crash damage");
    }
}
