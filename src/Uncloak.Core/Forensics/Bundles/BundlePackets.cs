using Uncloak.Core.Analysis;
using Uncloak.Core.Wire;

namespace Uncloak.Core.Forensics.Bundles;

/// <summary>
/// A bundle's <c>packets.pcapng</c> read through the same wire analysis as <c>uncloak pcap</c> (flow tracker, zero-window
/// holders, window shrinks, SYN floods), so an incident shows what the wire did in its last seconds beside the layer.
/// </summary>
/// <param name="Packets">Packets in the file.</param>
/// <param name="TcpPackets">Of them, TCP.</param>
/// <param name="Flows">Connections seen.</param>
/// <param name="Malformed">Records or packets that did not parse.</param>
/// <param name="Problem">Why the file could not be read to its end; null when it could.</param>
/// <param name="Findings">What the wire analysis concluded (per attack or fault), most severe first.</param>
public sealed record BundlePackets(long Packets, long TcpPackets, long Flows, long Malformed, string? Problem, IReadOnlyList<Finding> Findings)
{
    /// <summary>The analysis of <see cref="BundleLayout.PacketsName"/> among <paramref name="files"/>; null when the bundle has none.</summary>
    public static BundlePackets? Read(IEnumerable<BundleFile> files, WireOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.FirstOrDefault(f => f.Name == BundleLayout.PacketsName) is not { } file)
        {
            return null;
        }
        if (!CaptureReader.TryOpen(new MemoryStream(file.Data, writable: false), out var reader, out string? problem))
        {
            return new BundlePackets(0, 0, 0, 0, $"{BundleLayout.PacketsName}: {problem}", []);
        }
        var builder = new AnalysisBuilder();
        var scanner = new WireScanner(options ?? new WireOptions(), builder);
        scanner.Scan(reader!);
        var capture = scanner.Capture;
        var report = builder.Build();
        return new BundlePackets(capture.Packets, capture.TcpPackets, scanner.Wire.Flows, capture.Malformed,
            capture.StoppedEarly is { } stopped ? $"{BundleLayout.PacketsName}: {stopped}" : null,
            [.. report.Findings.OrderByDescending(f => f.Severity)]);
    }
}
