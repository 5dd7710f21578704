using Uncloak.Core.Events;
using Uncloak.Core.Framing;
using Uncloak.Core.Messages;
using Uncloak.Core.Text;

namespace Uncloak.Core.Ingest;

/// <summary>
/// The offline and live hot loop: lines → framed records → catalog → events. One instance per input
/// and thread. Bad lines are counted, never fatal; stream errors propagate with everything already
/// delivered to the sink intact.
/// </summary>
public sealed class LogScanner
{
    private readonly MessageClassifier _classifier;
    private readonly StringPool _pool;
    private readonly LogFramer _framer;
    private readonly JournalExportAssembler? _export;
    private ReadOnlyMemory<byte> _lastHostBytes;
    private string? _lastHost;

    public LogScanner(LogFormat format, DateTime logEndsAround, int sourceId, MessageClassifier? classifier = null)
    {
        _classifier = classifier ?? new MessageClassifier();
        _pool = _classifier.Pool;
        _framer = new LogFramer(format, logEndsAround);
        _export = format == LogFormat.JournalExport ? new JournalExportAssembler() : null;
        SourceId = sourceId;
    }

    public int SourceId { get; }

    public ScanStatistics Statistics { get; } = new();

    /// <summary>Reads <paramref name="reader"/> to its end (or until <paramref name="cancel"/>), feeding <paramref name="sink"/>.</summary>
    public void Scan(LineReader reader, IEventSink sink, CancellationToken cancel = default)
    {
        try
        {
            ScanLines(reader, sink, cancel);
        }
        finally
        {
            // Also when the stream fails part-way: the ranges skipped so far are part of what the report says.
            var stats = Statistics;
            stats.Bytes = reader.Position;
            stats.DamagedRangeCount = reader.DamagedRangeCount;
            stats.DamagedBytes = reader.DamagedBytes;
            stats.DamagedRanges.Clear();
            stats.DamagedRanges.AddRange(reader.DamagedRanges);
        }
    }

    private void ScanLines(LineReader reader, IEventSink sink, CancellationToken cancel)
    {
        var stats = Statistics;
        long checkEvery = 0;
        while (reader.TryReadLine(out var line, out long offset, out bool overlong))
        {
            stats.Lines++;
            if (overlong)
            {
                stats.Overlong++;
                NoteMalformed(stats, offset);
                continue;
            }
            if (reader.LineDamaged)
            {
                // The start of a line whose end a NUL run replaced: its fields would be cut short, so it is no record.
                stats.Damaged++;
                NoteMalformed(stats, offset);
                continue;
            }
            FrameResult result;
            FramedLine framed;
            if (_export is not null)
            {
                result = _export.Feed(line, reader, out framed);
            }
            else
            {
                result = _framer.Frame(line, out framed);
            }
            if (result == FrameResult.Record)
            {
                Deliver(framed, offset, sink);
            }
            else if (result == FrameResult.Malformed)
            {
                NoteMalformed(stats, offset);
            }
            if (++checkEvery == 65536)
            {
                checkEvery = 0;
                stats.Bytes = reader.Position;
                cancel.ThrowIfCancellationRequested();
            }
        }
        if (_export is not null && _export.Flush(out var last) == FrameResult.Record)
        {
            Deliver(last, reader.Position, sink);
        }
    }

    /// <summary>Classifies one already-framed record (live sources call this directly).</summary>
    public void Deliver(in FramedLine framed, long position, IEventSink sink)
    {
        Statistics.Records++;
        if (!_classifier.TryParse(framed.Message, out var ev))
        {
            return;
        }
        Statistics.Events++;
        // Built in the argument: a named copy costs a second 160-byte copy through the write-barrier helper (the event
        // holds strings), per event.
        sink.Add(
            ev with
            {
                Time = framed.Time,
                UptimeMicros = framed.UptimeMicros,
                Host = HostOf(framed.Host),
                Position = new SourcePosition(SourceId, position),
            },
            framed.Message);
    }

    private string? HostOf(ReadOnlySpan<byte> host)
    {
        if (host.IsEmpty)
        {
            return null;
        }
        if (_lastHost is not null && host.SequenceEqual(_lastHostBytes.Span))
        {
            return _lastHost;
        }
        _lastHost = _pool.Get(host);
        _lastHostBytes = host.ToArray();
        return _lastHost;
    }

    private static void NoteMalformed(ScanStatistics stats, long offset)
    {
        stats.Malformed++;
        stats.FirstMalformed ??= (stats.Lines, offset);
    }
}
