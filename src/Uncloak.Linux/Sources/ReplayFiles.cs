using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Linux.Files;

namespace Uncloak.Linux.Sources;

/// <summary>
/// Feeds recorded inputs to a sink, file after file, in their own order and with their own clock: kernel logs of
/// any format <see cref="LogInput"/> detects (gzip included), or <c>*.jsonl</c> files of events (one
/// <see cref="EventJson"/> object per line, as socket and counter findings are recorded).
/// </summary>
public static class ReplayFiles
{
    /// <summary>Reads <paramref name="path"/> to its end. Returns (lines, malformed); throws <see cref="LogInputException"/> when unreadable.</summary>
    public static (long Lines, long Malformed) Feed(string path, int sourceId, IEventSink sink, CancellationToken cancel = default)
    {
        if (path.EndsWith(".jsonl", StringComparison.Ordinal))
        {
            return FeedJsonLines(path, sourceId, sink, cancel);
        }
        using var input = LogInput.Open(path);
        var scanner = new LogScanner(input.Format, input.EndsAround, sourceId);
        scanner.Scan(new Core.Framing.LineReader(input.Stream, startOffset: input.TextStart), sink, cancel);
        return (scanner.Statistics.Lines, scanner.Statistics.Malformed);
    }

    private static (long, long) FeedJsonLines(string path, int sourceId, IEventSink sink, CancellationToken cancel)
    {
        long lines = 0, malformed = 0;
        try
        {
            using var stream = File.OpenRead(path);
            var reader = new Core.Framing.LineReader(stream);
            while (reader.TryReadLine(out var line, out long offset, out bool overlong))
            {
                lines++;
                if (overlong || line.Trim((byte)' ').IsEmpty)
                {
                    malformed += overlong ? 1 : 0;
                    continue;
                }
                if (EventJson.TryParse(line, out var ev, out _))
                {
                    sink.Add(ev with { Position = new SourcePosition(sourceId, offset) }, line);
                }
                else
                {
                    malformed++;
                }
                if ((lines & 0xFFFF) == 0)
                {
                    cancel.ThrowIfCancellationRequested();
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new LogInputException(path, e.Message);
        }
        return (lines, malformed);
    }
}
