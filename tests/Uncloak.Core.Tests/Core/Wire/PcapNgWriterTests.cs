using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class PcapNgWriterTests
{
    private static readonly byte[] Syn = Frames.Tcp("198.18.0.2", 40000, "198.18.0.1", 8080, TcpFlags.Syn, options: Frames.SynOptions(7));
    private static readonly byte[] Data = Frames.Tcp("198.18.0.1", 8080, "198.18.0.2", 40000, TcpFlags.Ack | TcpFlags.Psh, seq: 5001, ack: 1001, payload: 300);
    private const long T0 = 1_764_871_200_123_456_789;

    private static byte[] Written(int snaplen, params (byte[] Data, long Nanos, int Wire)[] packets)
    {
        var stream = new MemoryStream();
        var writer = new PcapNgWriter(stream, LinkType.Raw, snaplen);
        foreach (var (data, nanos, wire) in packets)
        {
            writer.Write(data, nanos, wire);
        }
        Assert.Equal(stream.Length, writer.Length);
        return stream.ToArray();
    }

    [Fact]
    public void Packets_round_trip_through_our_reader_with_nanosecond_times_and_the_snapshot_cut()
    {
        var file = Written(96, (Syn, T0, Syn.Length), (Data, T0 + 1_000_001, Data.Length));

        Assert.True(CaptureReader.TryOpen(new MemoryStream(file), out var reader, out string? problem), problem);
        Assert.Equal(CaptureFormat.PcapNg, reader!.Format);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal(LinkType.Raw, first.LinkType);
        Assert.Equal(DateTime.UnixEpoch.Ticks + T0 / 100, first.Ticks);
        Assert.Equal(Syn, first.Data.ToArray());
        Assert.False(first.Truncated);
        Assert.True(reader.TryRead(out var second));
        Assert.Equal(DateTime.UnixEpoch.Ticks + (T0 + 1_000_001) / 100, second.Ticks);
        Assert.Equal(Data.AsSpan(0, 96).ToArray(), second.Data.ToArray());
        Assert.Equal(Data.Length, second.OriginalLength);
        Assert.True(second.Truncated);
        Assert.False(reader.TryRead(out _));
        Assert.Equal(0, reader.Statistics.Malformed);
        Assert.Equal(file.Length, reader.Statistics.Bytes);
    }

    [Fact]
    public void The_file_is_laid_out_block_by_block_as_the_specification_builds_it()
    {
        var file = Written(96, (Syn, T0, Syn.Length), (Data, T0 + 1_000_001, Data.Length));

        var expected = new Frames.PcapNg()
            .Section()
            .Interface(101, tsresol: 9, snaplen: 96)
            .Enhanced(0, (ulong)T0, Syn, Syn.Length)
            .Enhanced(0, (ulong)(T0 + 1_000_001), Data.AsSpan(0, 96).ToArray(), Data.Length)
            .ToArray();
        Assert.Equal(expected, file);
    }

    [Fact]
    public void The_file_matches_the_golden_capture_byte_for_byte()
    {
        // fixtures/wire/ring.pcapng was checked with `tshark -r ring.pcapng -T fields -e frame.time_epoch -e ip.src
        // -e tcp.srcport -e ip.dst -e tcp.dstport -e frame.len -e frame.cap_len` when it was made.
        var file = Written(96, (Syn, T0, Syn.Length), (Data, T0 + 1_000_001, Data.Length));

        Golden.AssertBytes("wire/ring.pcapng", file);
    }

    [Fact]
    public void Sections_written_one_after_another_read_as_one_capture()
    {
        var stream = new MemoryStream();
        new PcapNgWriter(stream, LinkType.Raw, 128).Write(Syn, T0, Syn.Length);
        new PcapNgWriter(stream, LinkType.Raw, 64).Write(Data, T0 + 5, Data.Length);

        Assert.True(CaptureReader.TryOpen(new MemoryStream(stream.ToArray()), out var reader, out string? problem), problem);
        int packets = 0;
        while (reader!.TryRead(out var p))
        {
            packets++;
            Assert.Equal(packets == 1 ? Syn.Length : 64, p.Data.Length);
        }
        Assert.Equal(2, packets);
        Assert.Equal(0, reader.Statistics.Malformed);
    }

    [Fact]
    public void An_empty_capture_is_a_valid_file_with_no_packets()
    {
        var file = Written(128);

        Assert.Equal(60, file.Length);
        Assert.True(CaptureReader.TryOpen(new MemoryStream(file), out var reader, out string? problem), problem);
        Assert.False(reader!.TryRead(out _));
        Assert.Null(reader.Statistics.StoppedEarly);
    }
}
