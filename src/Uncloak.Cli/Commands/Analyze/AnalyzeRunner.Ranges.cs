using System.Runtime.ExceptionServices;
using Uncloak.Core.Analysis;
using Uncloak.Core.Framing;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Files;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Analyze;

public static partial class AnalyzeRunner
{
    /// <summary>
    /// The largest range is the file over this many per core. One range per core left a core idle for the last fifth of
    /// the read: the two halves of a log never cost the same (a burst of one kind, the store writer taking its time from
    /// one reader's core more than the other's), and the faster reader had nothing left to take (issue 18 item 6: 2 M
    /// dense lines, one reader finished 0.25 s before the other). Larger ranges would hold more in each range's builder
    /// at once (the 10 M-line peak).
    /// </summary>
    private const int RangesPerCore = 4;

    /// <summary>
    /// The ranges shrink to this towards the end of the file (<see cref="FileRanges.Taper"/>): with four equal ranges per
    /// core the last reader still ran alone for up to a range, ≈ 0.1 s of the 2 M-line dense log's 1.1 s (issue 18
    /// item 6); a range of 4 MiB is ≈ 15 ms of reading, and still many thousand lines to the builder merged after it.
    /// </summary>
    private const long SmallestRange = 4L << 20;

    /// <summary>
    /// Reads newline-aligned ranges of the file on all cores, each range into its own builder (merged in range order as
    /// soon as the ranges before it are; peers and treason episodes go straight into the main builder's thread-safe
    /// tables) and the shared store writer. Offsets stay absolute, so the store sees the same positions as a sequential
    /// read.
    /// </summary>
    private static ScanStatistics ScanInParallel(string path, LogInput input, int sourceId, AnalysisBuilder builder, EventWriter? writer, bool progress, CancellationToken cancel)
    {
        var (total, failure) = ReadRanges(path, input, sourceId, builder, writer, progress, cancel);
        // Nothing is collected before the report: each reader thread reuses its tables and buffers from range to range,
        // so the read leaves few holes in the large-object heap. A forced compacting collection here cost ≈ 25 ms of the
        // tail and no longer lowered the 10 M-line peaks (without it: dense 218–238 MB, standard 240–244 MB; issue 18).
        return failure is null ? total : throw new ScanFailedException(total, failure);
    }

    private static (ScanStatistics Total, Exception? Failure) ReadRanges(string path, LogInput input, int sourceId, AnalysisBuilder builder, EventWriter? writer, bool progress, CancellationToken cancel)
    {
        int cores = Environment.ProcessorCount;
        long size = input.RawLength ?? new FileInfo(path).Length;
        var ranges = FileRanges.Taper(path, cores, largestPart: Math.Max(size / (cores * RangesPerCore), SmallestRange), SmallestRange);
        ranges[0] = (input.TextStart, ranges[0].Length - input.TextStart); // past a byte-order mark
        var scanners = ranges.Select(_ => new LogScanner(input.Format, input.EndsAround, sourceId)).ToArray();
        var merge = new RangeMerge(builder, ranges.Length);
        int next = -1;
        var failures = new Exception?[cores];
        var work = Enumerable.Range(0, Math.Min(cores, ranges.Length)).Select(w => (Action)(() =>
        {
            try
            {
                // The sink and the read buffer serve this thread's ranges one after another; a range's builder lives only
                // while it is read: merged, it lends its emptied tables to a later range's.
                TeeSink? sink = null;
                var buffer = new byte[LineReader.DefaultBufferSize];
                for (int i = Interlocked.Increment(ref next); i < ranges.Length; i = Interlocked.Increment(ref next))
                {
                    var rangeBuilder = new AnalysisBuilder(shared: builder, spent: merge.TakeSpent());
                    sink ??= new TeeSink(writer, writer?.StoredBelow(sourceId) ?? 0) { Builder = rangeBuilder };
                    sink.Builder = rangeBuilder; // also when the sink served a range before
                    try
                    {
                        using var stream = FileRanges.OpenRange(path, ranges[i].Start, ranges[i].Length);
                        scanners[i].Scan(new LineReader(stream, buffer, startOffset: ranges[i].Start), sink, cancel);
                    }
                    finally
                    {
                        // Also when the range failed part-way: what was read of it is counted and stored, as before.
                        sink.Flush();
                        merge.Done(i, rangeBuilder);
                    }
                }
            }
            catch (Exception e)
            {
                failures[w] = e;
                // The other readers stop at their next range: the read has failed or was interrupted.
                Interlocked.Exchange(ref next, ranges.Length);
            }
        })).ToArray();
        RunWithProgress(progress ? input.Name : null, input.RawLength ?? 0,
            () => scanners.Select((s, i) => Math.Max(0, s.Statistics.Bytes - ranges[i].Start)).Sum(), work);
        merge.Rest();
        var first = failures.FirstOrDefault(f => f is not null);
        if (first is not null and not (InvalidDataException or IOException or EndOfStreamException))
        {
            ExceptionDispatchInfo.Throw(first); // interrupted (OperationCanceledException) or a bug: as it was raised
        }
        var total = new ScanStatistics();
        foreach (var s in scanners)
        {
            if (total.FirstMalformed is null && s.Statistics.FirstMalformed is { } fm)
            {
                total.FirstMalformed = (total.Lines + fm.Line, fm.Offset);
            }
            long lines = total.Lines;
            total.Add(s.Statistics);
            total.Lines = lines + s.Statistics.Lines;
        }
        total.Bytes = scanners.Max(s => s.Statistics.Bytes);
        return (total, first);
    }

    /// <summary>
    /// Merges the ranges' builders into the main one in range order, each as soon as every range before it is merged,
    /// so at most a few unmerged builders are alive at once whatever the number of ranges.
    /// </summary>
    private sealed class RangeMerge(AnalysisBuilder main, int ranges)
    {
        private readonly AnalysisBuilder?[] _done = new AnalysisBuilder?[ranges];
        private readonly Lock _gate = new();
        private int _merged;

        public void Done(int range, AnalysisBuilder builder)
        {
            lock (_gate)
            {
                _done[range] = builder;
                while (_merged < _done.Length && _done[_merged] is { } ready)
                {
                    main.Merge(ready);
                    _done[_merged++] = null;
                    _spent.Push(ready);
                }
            }
        }

        private readonly Stack<AnalysisBuilder> _spent = new();

        /// <summary>A builder merged and not lent yet (see <see cref="AnalysisBuilder(AnalysisBuilder, AnalysisBuilder)"/>), or null.</summary>
        public AnalysisBuilder? TakeSpent()
        {
            lock (_gate)
            {
                return _spent.TryPop(out var spent) ? spent : null;
            }
        }

        /// <summary>After a failure: the ranges read after a gap (one never started) are merged too, in order.</summary>
        public void Rest()
        {
            lock (_gate)
            {
                for (; _merged < _done.Length; _merged++)
                {
                    if (_done[_merged] is { } builder)
                    {
                        main.Merge(builder);
                        _done[_merged] = null;
                    }
                }
            }
        }
    }
}
