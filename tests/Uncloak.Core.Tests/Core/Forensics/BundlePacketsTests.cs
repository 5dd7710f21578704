using Uncloak.Core.Analysis;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Forensics;

/// <summary>
/// Issue 12 item 2: a bundle's packets.pcapng goes through the wire analysis of `uncloak pcap`, so the attack recorded
/// in the lab (samples/wire) shows in the bundle's analysis with the same findings as the capture read directly.
/// </summary>
public sealed class BundlePacketsTests
{
    /// <summary>The lab capture rewritten by our pcapng writer, as the packet ring would hold it.</summary>
    private static byte[] AsRing(string sample)
    {
        using var input = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "samples", "wire", sample));
        Assert.True(CaptureReader.TryOpen(input, out var reader, out string? problem), problem);
        var output = new MemoryStream();
        PcapNgWriter? writer = null;
        while (reader!.TryRead(out var p))
        {
            writer ??= new PcapNgWriter(output, p.LinkType, 65535);
            writer.Write(p.Data, (p.Ticks - DateTime.UnixEpoch.Ticks) * 100, p.OriginalLength);
        }
        return output.ToArray();
    }

    private static (List<Finding> Findings, CaptureStatistics Capture) Direct(string sample)
    {
        var builder = new AnalysisBuilder();
        using var input = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "samples", "wire", sample));
        Assert.True(CaptureReader.TryOpen(input, out var reader, out _));
        var scanner = new WireScanner(new WireOptions(), builder);
        scanner.Scan(reader!);
        return ([.. builder.Build().Findings], scanner.Capture);
    }

    [Theory]
    [InlineData("lab-zero-window.pcap")]
    [InlineData("lab-syn-flood.pcap")]
    [InlineData("lab-slow-read.pcap")]
    public void The_rings_packets_give_the_findings_the_capture_gives_read_directly(string sample)
    {
        var ring = AsRing(sample);
        var (direct, original) = Direct(sample);
        var files = new List<BundleFile> { new("during/nstat.txt", "#kernel\n"u8.ToArray()), new(BundleLayout.PacketsName, ring) };

        var packets = BundlePackets.Read(files);

        Assert.NotNull(packets);
        Assert.Null(packets.Problem);
        Assert.Equal(original.Packets, packets.Packets);
        Assert.Equal(original.TcpPackets, packets.TcpPackets);
        Assert.NotEmpty(direct);
        Assert.Equal(direct.Select(f => (f.Id, f.Severity, f.Title)).Order(), packets.Findings.Select(f => (f.Id, f.Severity, f.Title)).Order());
    }

    [Fact]
    public void A_bundle_without_packets_has_none_and_a_damaged_file_says_why()
    {
        Assert.Null(BundlePackets.Read([new BundleFile("probes.txt", "# uncloak probes\n"u8.ToArray())]));

        var damaged = BundlePackets.Read([new BundleFile(BundleLayout.PacketsName, "not a capture"u8.ToArray())]);

        Assert.NotNull(damaged);
        Assert.Equal(0, damaged.Packets);
        Assert.Contains("not a pcap or pcapng", damaged.Problem, StringComparison.Ordinal);
    }
}
