using Uncloak.Core.Analysis;
using Uncloak.Core.Ingest;
using Uncloak.Core.Wire;
using Uncloak.Linux.Files;
using Uncloak.Store;
using Uncloak.Store.Events;

namespace Uncloak.Cli.Commands.Analyze;

/// <summary>Packet captures among the inputs: read through the wire scanner into the same builder and store.</summary>
public static partial class AnalyzeRunner
{
    /// <summary>Reads one capture; returns true when it could not be read completely.</summary>
    private static bool ReadCapture(string name, AnalyzeOptions options, AnalysisBuilder builder, SqliteStore? store, EventWriter? writer,
        TextWriter error, List<(int Source, ScanStatistics Stats)> completed, CancellationToken cancel)
    {
        CaptureInput input;
        try
        {
            input = CaptureInput.Open(name);
        }
        catch (LogInputException e)
        {
            error.WriteLine(options.Prefix + e.Message);
            builder.AddSource(new SourceSummary(name, "pcap", 0, 0, 0, e.Message));
            return true;
        }
        using (input)
        {
            int sourceId = 0;
            if (store is not null && writer is not null)
            {
                var source = SourceRegistry.Register(store, input.Identity, Path.GetFullPath(name), input.FormatName);
                sourceId = source.Id;
                writer.SetStoredBelow(source.Id, source.BytesDone);
            }
            var sink = new TeeSink(writer, writer?.StoredBelow(sourceId) ?? 0) { Builder = builder };
            var scanner = new WireScanner(options.Wire, sink, sourceId);
            string? failure = null;
            try
            {
                scanner.Scan(input.Reader, cancel);
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                failure = $"{name}: read failed after packet {input.Reader.Statistics.Packets:N0} (byte {input.Reader.Statistics.Bytes:N0}): {e.Message}";
            }
            sink.Flush();
            var capture = scanner.Capture;
            failure ??= capture.StoppedEarly is { } stopped ? $"{name}: {stopped}; the packets before it were read" : null;
            if (failure is not null)
            {
                error.WriteLine(options.Prefix + failure);
            }
            var wire = scanner.Wire;
            if (!options.Json)
            {
                error.WriteLine($"{options.Prefix}{name}: {capture.Packets:N0} packets ({capture.TcpPackets:N0} TCP), {wire.Flows:N0} flows" +
                    (wire.FlowsEvicted > 0 ? $" ({wire.FlowsEvicted:N0} evicted at the {options.Wire.MaxFlows:N0}-flow cap)" : "") +
                    (wire.UnknownScaleFlows > 0 ? $", {wire.UnknownScaleFlows:N0} begun before the capture (window scale unknown: windows read unscaled, no slow-read verdicts)" : "") +
                    (capture.Malformed > 0 ? $", {capture.Malformed:N0} malformed" : "") +
                    (capture.Truncated > 0 ? $", {capture.Truncated:N0} cut by the snapshot length" : ""));
            }
            var stats = new ScanStatistics { Lines = capture.Packets, Records = capture.TcpPackets, Events = wire.EventsEmitted, Malformed = capture.Malformed, Bytes = capture.Bytes };
            if (capture.FirstMalformedOffset is { } first)
            {
                stats.FirstMalformed = (0, first);
            }
            if (store is not null && writer is not null && failure is null)
            {
                completed.Add((sourceId, stats));
            }
            builder.AddSource(new SourceSummary(name, input.FormatName, capture.Packets, capture.Malformed, wire.EventsEmitted, failure));
            return failure is not null;
        }
    }
}
