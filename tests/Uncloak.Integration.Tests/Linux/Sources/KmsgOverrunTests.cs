using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;
using Uncloak.Linux.Interop;
using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sources;

/// <summary>
/// A real ring overrun on the real /dev/kmsg: while the source is held inside a delivery (its reader paused, as when the
/// engine is slow), the test writes more than the whole ring (marker records "uncloak-test kmsg-overrun filler"), so the
/// kernel overwrites the reader's position and its next read() fails with EPIPE (kernel/printk/printk.c devkmsg_read:
/// "our last seen message is gone, return error and reset" — the position moves to the oldest record left). The source
/// must report the gap with the number of records lost, from the sequence numbers, and read on.
/// </summary>
public sealed partial class KmsgOverrunTests
{
    private const string Marker = "uncloak-test kmsg-overrun filler";

    /// <summary>Holds the first delivery until released; keeps every batch and problem.</summary>
    private sealed class PausingSink : ISourceSink
    {
        private readonly Lock _lock = new();
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Paused { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<SourceBatch> Batches { get; } = [];

        public List<string> Problems { get; } = [];

        public void Release() => _release.TrySetResult();

        public async ValueTask DeliverAsync(SourceBatch batch, CancellationToken cancel)
        {
            lock (_lock)
            {
                Batches.Add(batch);
            }
            if (Paused.TrySetResult())
            {
                await _release.Task.WaitAsync(TimeSpan.FromSeconds(60), cancel).ConfigureAwait(false);
            }
        }

        public void Problem(string source, string message, TimeSpan retryIn)
        {
            lock (_lock)
            {
                Problems.Add(message);
            }
        }

        public (string? Cursor, long Gaps) Last()
        {
            lock (_lock)
            {
                return Batches.Count == 0 ? (null, 0) : (Batches[^1].Cursor, Batches[^1].Gaps);
            }
        }
    }

    [CiOnlyFact("writes about twice the kernel log ring's size to /dev/kmsg (marker 'uncloak-test kmsg-overrun filler'), evicting the host's recent kernel messages")]
    public async Task A_real_ring_overrun_is_reported_as_a_gap_with_the_records_lost_and_reading_continues()
    {
        Assert.True(Environment.IsPrivilegedProcess, "needs root to read and write /dev/kmsg");
        int ring = KlogCtl(SyslogActionSizeBuffer, IntPtr.Zero, 0);
        Assert.InRange(ring, 4096, 32 << 20); // bounded: never more than 64 MiB written
        var sink = new PausingSink();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var source = new KmsgSource(TimeProvider.System, bootId: "overrun-test");
        var run = source.RunAsync(sink, stop.Token);
        try
        {
            // The source read (part of) the ring's backlog and now waits inside its first delivery: its position is fixed.
            await sink.Paused.Task.WaitAsync(TimeSpan.FromSeconds(30));
            ulong before = ulong.Parse(sink.Last().Cursor!, CultureInfo.InvariantCulture);

            // Twice the ring in ~900-byte records. /dev/kmsg rate-limits writers per open file (10 records per 5 s by
            // default, kernel.printk_devkmsg=ratelimit): each file writes at most 8, the host's setting is left alone.
            string padding = new('x', 850);
            int count = 2 * ring / 900 + 16;
            for (int i = 0; i < count; i += 8)
            {
                using var kmsg = new FileStream("/dev/kmsg", FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
                for (int k = i; k < Math.Min(count, i + 8); k++)
                {
                    kmsg.Write(Encoding.ASCII.GetBytes($"{Marker} {k:D5}/{count} {padding}\n"));
                }
            }
            var fillers = Fillers(); // index → sequence number, of those still in the ring
            Assert.True(fillers.Count > 0 && fillers.Keys.Min() > 0, $"the ring kept all {count} fillers: it was not overrun");
            ulong lastFiller = fillers[count - 1];
            ulong oldestFiller = fillers[fillers.Keys.Min()];

            sink.Release();
            WatchDeadline.Until(() => sink.Last().Cursor is { } c && ulong.Parse(c, CultureInfo.InvariantCulture) >= lastFiller, TimeSpan.FromSeconds(30),
                () => $"the source to read on to the last filler (seq {lastFiller}), at {sink.Last()}; problems: {string.Join(" | ", sink.Problems)}");

            string problem;
            lock (sink.Problems)
            {
                problem = Assert.Single(sink.Problems, p => p.StartsWith("kernel ring overrun", StringComparison.Ordinal));
            }
            var m = GapText().Match(problem);
            Assert.True(m.Success, problem);
            long lost = long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ulong from = ulong.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), to = ulong.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture);
            Assert.Equal(before + 1, from); // the gap starts right after the last record delivered before the pause
            Assert.True(to < oldestFiller, $"the gap ({from}..{to}) runs into records still in the ring (oldest filler {oldestFiller})");
            Assert.Equal((long)(to - from + 1), lost);
            Assert.True(lost >= fillers.Keys.Min(), $"{lost} lost, but {fillers.Keys.Min()} fillers alone were overwritten");
            Assert.Equal(lost, sink.Last().Gaps);
        }
        finally
        {
            sink.Release();
            await stop.CancelAsync();
            await run;
        }
    }

    /// <summary>The fillers still in the ring, read by a reader of our own from the oldest record (non-blocking, bounded by the ring).</summary>
    private static Dictionary<int, ulong> Fillers()
    {
        var found = new Dictionary<int, ulong>();
        using var fd = Libc.Open("/dev/kmsg", Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
        Assert.False(fd.IsInvalid, "cannot open /dev/kmsg");
        var buffer = new byte[8192];
        for (int reads = 0; reads < 1_000_000; reads++)
        {
            long n = Libc.Read(fd, buffer);
            if (n == -Libc.EPIPE || n == -Libc.EINTR)
            {
                continue; // overwritten under us: the next read is the oldest record left
            }
            if (n <= 0)
            {
                break; // EAGAIN: read to the end
            }
            var record = Encoding.ASCII.GetString(buffer, 0, (int)n);
            int semi = record.IndexOf(';', StringComparison.Ordinal);
            var header = record[..semi].Split(',');
            var text = record[(semi + 1)..];
            if (text.StartsWith(Marker, StringComparison.Ordinal))
            {
                found[int.Parse(text.AsSpan(Marker.Length + 1, 5), CultureInfo.InvariantCulture)] = ulong.Parse(header[1], CultureInfo.InvariantCulture);
            }
        }
        return found;
    }

    [GeneratedRegex(@"^kernel ring overrun: (\d+) records lost before they could be read \(seq (\d+)\.\.(\d+)\)$")]
    private static partial Regex GapText();

    private const int SyslogActionSizeBuffer = 10;

    [LibraryImport("libc", EntryPoint = "klogctl")]
    private static partial int KlogCtl(int type, IntPtr buffer, int length);
}
