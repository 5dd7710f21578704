using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sources;

/// <summary>The file source against the real filesystem: resume after a restart, rotation by rename, copytruncate.</summary>
public sealed class FileTailSourceTests
{
    private static string Line(int n) => $"2026-03-01T10:00:{n % 60:00}.000000+00:00 web1 kernel: TCP: Peer 198.18.9.{n}:2861/443 unexpectedly shrunk window 1:2 (repaired)";

    private static (Task Run, CancellationTokenSource Stop) Start(FileTailSource source, CollectingSink sink)
    {
        var stop = new CancellationTokenSource();
        return (source.RunAsync(sink, stop.Token), stop);
    }

    [Fact]
    public async Task A_restarted_source_resumes_at_its_cursor_without_duplicates_even_across_a_rename_rotation()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-tail-");
        try
        {
            var path = Path.Combine(dir.FullName, "kern.log");
            File.WriteAllLines(path, [Line(1), Line(2)]);
            var sink = new CollectingSink();
            var first = new FileTailSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20), fromStart: true);
            var (run, stop) = Start(first, sink);
            File.AppendAllLines(path, [Line(3)]);
            WatchDeadline.Until(() => sink.Texts().Count == 3, TimeSpan.FromSeconds(20), () => $"3 events, have {sink.Texts().Count}");
            await stop.CancelAsync();
            await run;

            // While stopped: more lines, then logrotate renames the file and a new one starts.
            File.AppendAllLines(path, [Line(4)]);
            File.Move(path, path + ".1");
            File.WriteAllLines(path, [Line(5)]);

            var committed = sink.Committed;
            var second = new FileTailSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20)) { Resume = () => committed };
            (run, stop) = Start(second, sink);
            WatchDeadline.Until(() => sink.Texts().Count >= 5, TimeSpan.FromSeconds(20), () => $"5 events, have {sink.Texts().Count}");
            File.AppendAllLines(path, [Line(6)]);
            WatchDeadline.Until(() => sink.Texts().Count >= 6, TimeSpan.FromSeconds(20), () => $"6 events, have {sink.Texts().Count}");
            await stop.CancelAsync();
            await run;

            var peers = sink.Texts().Select(t => t.Split(' ')[2].Split(':')[0]).ToList();
            Assert.Equal(["198.18.9.1", "198.18.9.2", "198.18.9.3", "198.18.9.4", "198.18.9.5", "198.18.9.6"], peers);
            var positions = sink.Positions();
            Assert.Equal(positions.Count, positions.Distinct().Count());
            Assert.True(positions.SequenceEqual(positions.Order()), "positions increase across the rotation");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_copytruncate_rotation_is_noticed_and_the_file_is_read_again_from_its_start()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-tail-");
        try
        {
            var path = Path.Combine(dir.FullName, "kern.log");
            File.WriteAllLines(path, [Line(1), Line(2), Line(3)]);
            var sink = new CollectingSink();
            var source = new FileTailSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20), fromStart: true);
            var (run, stop) = Start(source, sink);
            WatchDeadline.Until(() => sink.Texts().Count == 3, TimeSpan.FromSeconds(20), () => "the first 3 events");
            File.Copy(path, path + ".1");
            using (var truncate = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            {
                truncate.SetLength(0);
            }
            WatchDeadline.Until(() => sink.Problems.Any(p => p.Contains("truncated", StringComparison.Ordinal)), TimeSpan.FromSeconds(20), () => "the truncation to be noticed");
            File.AppendAllLines(path, [Line(4)]);
            WatchDeadline.Until(() => sink.Texts().Count >= 4, TimeSpan.FromSeconds(20), () => "the line written after the truncation");
            await stop.CancelAsync();
            await run;
            Assert.Contains("198.18.9.4", sink.Texts()[3], StringComparison.Ordinal);
            Assert.Equal(4, sink.Texts().Count);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task A_first_start_without_a_cursor_reads_only_what_is_written_after_it()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-tail-");
        try
        {
            var path = Path.Combine(dir.FullName, "kern.log");
            File.WriteAllLines(path, [Line(1), Line(2)]);
            var sink = new CollectingSink();
            var source = new FileTailSource(path, TimeProvider.System, TimeSpan.FromMilliseconds(20));
            var (run, stop) = Start(source, sink);
            // The source commits its starting cursor (the file's end) as soon as it has opened the file.
            WatchDeadline.Until(() => sink.Batches.Count >= 1, TimeSpan.FromSeconds(20), () => "the starting cursor");
            File.AppendAllLines(path, [Line(3)]);
            WatchDeadline.Until(() => sink.Texts().Count >= 1, TimeSpan.FromSeconds(20), () => "the appended line");
            await stop.CancelAsync();
            await run;
            Assert.Contains("198.18.9.3", Assert.Single(sink.Texts()), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
