using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Sources;

/// <summary>
/// Issue 17 item 7: rotation while the daemon is stopped, on the real filesystem. The old file is found by its inode
/// among the rotated names (dateext, two-step shifts), or once compressed (logrotate's <c>compress</c> and
/// <c>delaycompress</c>, real gzip) by the fingerprint of its first bytes, and read; a gzip bomb is refused; a loss that
/// cannot be avoided is counted as a gap.
/// </summary>
public sealed class RotationWhileStoppedTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("uncloak-rel-rotate-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string LogPath => Path.Combine(_dir.FullName, "kern.log");

    private static string Line(int n) => $"2026-12-03T10:{n / 60 % 60:00}:{n % 60:00}.000000+00:00 web1 kernel: TCP: Peer 198.18.{n / 250}.{n % 250 + 1}:2861/443 unexpectedly shrunk window 1:2 (repaired)";

    private static IEnumerable<string> Lines(int from, int count) => Enumerable.Range(from, count).Select(Line);

    /// <summary>Runs a source until it has delivered <paramref name="events"/> events in all, then stops it.</summary>
    private async Task RunUntil(CollectingSink sink, int events, (string? Cursor, long Position, long Gaps)? resume, long maxDecompressed = FileTailSource.DefaultMaxDecompressed)
    {
        var source = resume is { } r
            ? new FileTailSource(LogPath, TimeProvider.System, TimeSpan.FromMilliseconds(20), maxDecompressed: maxDecompressed) { Resume = () => r }
            : new FileTailSource(LogPath, TimeProvider.System, TimeSpan.FromMilliseconds(20), fromStart: true);
        using var stop = new CancellationTokenSource();
        var run = source.RunAsync(sink, stop.Token);
        WatchDeadline.Until(() => sink.Texts().Count >= events, TimeSpan.FromSeconds(30), () => $"{events} events, have {sink.Texts().Count}");
        await stop.CancelAsync();
        await run;
    }

    private static void AssertExactlyOnceInOrder(CollectingSink sink, int count)
    {
        var expected = Enumerable.Range(0, count).Select(n => $"198.18.{n / 250}.{n % 250 + 1}").ToList();
        var seen = sink.Texts().Select(t => t.Split(' ')[2].Split(':')[0]).ToList();
        Assert.Equal(expected, seen);
        var positions = sink.Positions();
        Assert.Equal(positions.Count, positions.Distinct().Count());
    }

    [Fact]
    public async Task A_dateext_rename_while_stopped_loses_nothing()
    {
        File.WriteAllLines(LogPath, Lines(0, 100));
        var sink = new CollectingSink();
        await RunUntil(sink, 100, null);

        File.AppendAllLines(LogPath, Lines(100, 400));
        File.Move(LogPath, LogPath + "-20261203");
        File.WriteAllLines(LogPath, Lines(500, 50));

        await RunUntil(sink, 550, sink.Committed);
        AssertExactlyOnceInOrder(sink, 550);
        Assert.Equal(0, sink.Committed.Gaps);
    }

    [Fact]
    public async Task A_two_step_shift_while_stopped_reads_the_rest_of_the_old_file_then_the_whole_middle_one()
    {
        File.WriteAllLines(LogPath + ".1", ["2026-12-02T10:00:00.000000+00:00 web1 kernel: an older rotation, read before"]);
        File.SetLastWriteTimeUtc(LogPath + ".1", DateTime.UtcNow.AddDays(-1));
        File.WriteAllLines(LogPath, Lines(0, 50));
        var sink = new CollectingSink();
        await RunUntil(sink, 50, null);

        // Stopped: more lines, a rotation (.1 → .2, log → .1), lines into the new file, and a second rotation.
        File.AppendAllLines(LogPath, Lines(50, 1000));
        File.Move(LogPath + ".1", LogPath + ".2");
        File.Move(LogPath, LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(1050, 1400));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(1));
        File.Move(LogPath + ".2", LogPath + ".3");
        File.Move(LogPath + ".1", LogPath + ".2");
        File.Move(LogPath, LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(2450, 10));

        await RunUntil(sink, 2460, sink.Committed);
        AssertExactlyOnceInOrder(sink, 2460);
        Assert.Equal(0, sink.Committed.Gaps);
    }

    [Fact]
    public async Task A_file_truncated_or_replaced_by_one_with_the_same_inode_while_stopped_is_a_counted_gap()
    {
        File.WriteAllLines(LogPath, Lines(0, 10));
        var sink = new CollectingSink();
        await RunUntil(sink, 10, null);

        File.AppendAllLines(LogPath, Lines(10, 400));
        File.WriteAllLines(LogPath, Lines(410, 5)); // truncated in place: the 400 unread lines are gone

        await RunUntil(sink, 15, sink.Committed);
        Assert.Equal(15, sink.Texts().Count);
        Assert.True(sink.Committed.Gaps >= 1, $"the loss must be counted, gaps {sink.Committed.Gaps}");
    }

    [Fact]
    public async Task An_old_file_that_is_gone_is_a_counted_gap_not_a_silent_loss()
    {
        File.WriteAllLines(LogPath, Lines(0, 10));
        var sink = new CollectingSink();
        await RunUntil(sink, 10, null);

        // Rotated away to where no rotated name points (kept alive, so the new file cannot reuse its inode).
        File.AppendAllLines(LogPath, Lines(10, 400));
        var elsewhere = Directory.CreateDirectory(Path.Combine(_dir.FullName, "archive")).FullName;
        File.Move(LogPath, Path.Combine(elsewhere, "kern.log.1"));
        File.WriteAllLines(LogPath, Lines(410, 5));

        await RunUntil(sink, 15, sink.Committed);
        Assert.Equal(15, sink.Texts().Count);
        Assert.True(sink.Committed.Gaps >= 1, $"the loss must be counted, gaps {sink.Committed.Gaps}");
        Assert.Contains(sink.Problems, p => p.Contains("lost (gap counted)", StringComparison.Ordinal));
    }

    /// <summary>gzip as logrotate runs it: the file replaced by FILE.gz, its modification time kept in the header.</summary>
    private static void Gzip(string path) => Shell.Check("gzip", "-n", "-9", path);

    [Fact]
    public async Task A_rotation_with_compress_while_stopped_reads_the_rest_of_the_old_file_from_its_gzip()
    {
        // An older rotation, read long ago: its text must not come again.
        File.WriteAllLines(LogPath + ".2", ["2026-12-02T10:00:00.000000+00:00 web1 kernel: TCP: Peer 198.19.9.9:2861/443 unexpectedly shrunk window 1:2 (repaired)"]);
        File.SetLastWriteTimeUtc(LogPath + ".2", DateTime.UtcNow.AddDays(-1));
        Gzip(LogPath + ".2");
        File.WriteAllLines(LogPath, Lines(0, 100));
        var sink = new CollectingSink();
        await RunUntil(sink, 100, null);

        // Stopped: 400 more lines, then logrotate with compress: log → .1 → .1.gz (a new inode), a new log.
        File.AppendAllLines(LogPath, Lines(100, 400));
        File.Move(LogPath, LogPath + ".1");
        Gzip(LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(500, 50));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(2));

        await RunUntil(sink, 550, sink.Committed);
        AssertExactlyOnceInOrder(sink, 550);
        Assert.Equal(0, sink.Committed.Gaps);
        Assert.Empty(sink.Problems);
    }

    [Fact]
    public async Task Two_rotations_with_delaycompress_while_stopped_read_the_old_file_from_its_gzip_then_the_plain_one()
    {
        File.WriteAllLines(LogPath + ".1", ["2026-12-02T10:00:00.000000+00:00 web1 kernel: TCP: Peer 198.19.9.9:2861/443 unexpectedly shrunk window 1:2 (repaired)"]);
        File.SetLastWriteTimeUtc(LogPath + ".1", DateTime.UtcNow.AddDays(-1));
        File.WriteAllLines(LogPath, Lines(0, 50));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(-10));
        var sink = new CollectingSink();
        await RunUntil(sink, 50, null);

        // Stopped. First rotation: .1 → .2 compressed (delaycompress: one rotation late), log → .1 plain, a new log.
        File.AppendAllLines(LogPath, Lines(50, 1000));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(-5));
        File.Move(LogPath + ".1", LogPath + ".2");
        Gzip(LogPath + ".2");
        File.Move(LogPath, LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(1050, 1400));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(-2));
        // Second rotation: .2.gz → .3.gz, .1 (the file we were reading) → .2 → .2.gz, log → .1, a new log.
        File.Move(LogPath + ".2.gz", LogPath + ".3.gz");
        File.Move(LogPath + ".1", LogPath + ".2");
        Gzip(LogPath + ".2");
        File.Move(LogPath, LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(2450, 10));

        await RunUntil(sink, 2460, sink.Committed);
        AssertExactlyOnceInOrder(sink, 2460);
        Assert.Equal(0, sink.Committed.Gaps);
        Assert.Empty(sink.Problems);
    }

    [Fact]
    public async Task A_daemon_stopped_while_reading_a_gzip_resumes_inside_it()
    {
        File.WriteAllLines(LogPath, Lines(0, 20));
        var sink = new CollectingSink();
        await RunUntil(sink, 20, null);
        File.AppendAllLines(LogPath, Lines(20, 3000));
        File.Move(LogPath, LogPath + ".1");
        Gzip(LogPath + ".1");
        File.WriteAllLines(LogPath, Lines(3020, 5));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(2));

        // Stopped again after part of the gzip was read; the cursor now points into the gzip file.
        await RunUntil(sink, 1000, sink.Committed);
        await RunUntil(sink, 3025, sink.Committed);
        AssertExactlyOnceInOrder(sink, 3025);
        Assert.Equal(0, sink.Committed.Gaps);
    }

    [Fact]
    public async Task A_gzip_bomb_in_the_rotation_is_refused_as_a_counted_gap_and_the_new_file_still_read()
    {
        File.WriteAllLines(LogPath, Lines(0, 10));
        var sink = new CollectingSink();
        await RunUntil(sink, 10, null);

        // Stopped: the rotated file starts as the one we read, then 16 MiB of zeros: 16 KiB compressed.
        File.AppendAllLines(LogPath, Lines(10, 40));
        using (var f = new FileStream(LogPath, FileMode.Append))
        {
            f.Write(new byte[16 << 20]);
        }
        File.Move(LogPath, LogPath + ".1");
        Gzip(LogPath + ".1");
        Assert.True(new FileInfo(LogPath + ".1.gz").Length < 64 * 1024);
        File.WriteAllLines(LogPath, Lines(50, 5));
        File.SetLastWriteTimeUtc(LogPath, DateTime.UtcNow.AddSeconds(2));

        // Its trailer already says 16 MiB: refused before a byte is decompressed, so the 40 lines in it are the loss counted.
        await RunUntil(sink, 15, sink.Committed, maxDecompressed: 1 << 20);
        Assert.Contains(sink.Problems, p => p.Contains("gzip bomb", StringComparison.Ordinal) && p.Contains("gap counted", StringComparison.Ordinal));
        Assert.True(sink.Committed.Gaps >= 1, $"the refusal must be counted, gaps {sink.Committed.Gaps}");
        Assert.Equal(["198.18.0.51", "198.18.0.52", "198.18.0.53", "198.18.0.54", "198.18.0.55"],
            sink.Texts().Select(t => t.Split(' ')[2].Split(':')[0]).TakeLast(5));
    }
}
