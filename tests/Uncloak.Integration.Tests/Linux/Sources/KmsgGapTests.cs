using System.Text;
using Uncloak.Linux.Sources;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Sources;

/// <summary>
/// Sequence gaps, which the real ring only produces under overload: a FIFO stands in for /dev/kmsg (one record per
/// read, as long as each is read before the next is written), so the test chooses the sequence numbers.
/// </summary>
public sealed class KmsgGapTests
{
    private static string Record(ulong seq, int port) => $"4,{seq},{840_000_000 + seq},-;Probing zero-window on 198.18.8.1:{port}/443, seq=1:2, recv 5ms ago, lasting 9ms\n";

    [Fact]
    public async Task Missing_sequence_numbers_are_reported_as_a_gap_and_counted_and_reading_continues()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-kmsg-");
        try
        {
            var fifo = Path.Combine(dir.FullName, "kmsg");
            Support.Command.Run("mkfifo", fifo);
            var sink = new CollectingSink();
            using var stop = new CancellationTokenSource();
            // Resumed at sequence 10: 11 and 12 follow, then 13..16 are lost, then 17.
            var source = new KmsgSource(TimeProvider.System, fifo, bootId: "test") { Resume = () => ("10", 11, 0) };
            var run = source.RunAsync(sink, stop.Token);
            using (var writer = new FileStream(fifo, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1))
            {
                ulong[] seqs = [11, 12, 17];
                for (int i = 0; i < seqs.Length; i++)
                {
                    writer.Write(Encoding.ASCII.GetBytes(Record(seqs[i], 1000 + i)));
                    writer.Flush();
                    // A FIFO is a stream: each record must be read before the next is written, as the ring's reads are one record each.
                    WatchDeadline.Until(() => sink.Texts().Count >= i + 1, TimeSpan.FromSeconds(20), () => $"record {seqs[i]}");
                }
                WatchDeadline.Until(() => sink.Committed.Gaps == 4, TimeSpan.FromSeconds(20), () => $"the gap, have {sink.Committed}");
            }
            await stop.CancelAsync();
            await run;
            Assert.Equal([11L, 12L, 17L], sink.Positions());
            Assert.Equal("17", sink.Committed.Cursor);
            Assert.Contains(sink.Problems, p => p.Contains("4 records lost", StringComparison.Ordinal) && p.Contains("seq 13..16", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
