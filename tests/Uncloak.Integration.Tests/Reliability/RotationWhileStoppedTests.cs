using Uncloak.Integration.Tests.Watch;
using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Reliability;

/// <summary>
/// Issue 17 item 7: rotation while the daemon is stopped, on the real filesystem. The old file is found by its inode
/// among the rotated names (dateext, two-step shifts), and a loss that cannot be avoided is counted as a gap.
/// </summary>
public sealed class RotationWhileStoppedTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("uncloak-rel-rotate-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string LogPath => Path.Combine(_dir.FullName, "kern.log");

    private static string Line(int n) => $"2026-12-03T10:{n / 60 % 60:00}:{n % 60:00}.000000+00:00 web1 kernel: TCP: Peer 198.18.{n / 250}.{n % 250 + 1}:2861/443 unexpectedly shrunk window 1:2 (repaired)";

    private static IEnumerable<string> Lines(int from, int count) => Enumerable.Range(from, count).Select(Line);

    /// <summary>Runs a source until it has delivered <paramref name="events"/> events in all, then stops it.</summary>
    private async Task RunUntil(CollectingSink sink, int events, (string? Cursor, long Position, long Gaps)? resume)
    {
        var source = resume is { } r
            ? new FileTailSource(LogPath, TimeProvider.System, TimeSpan.FromMilliseconds(20)) { Resume = () => r }
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
}
