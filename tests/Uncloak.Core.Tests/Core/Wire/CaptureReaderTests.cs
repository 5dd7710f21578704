using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class CaptureReaderTests
{
    private static readonly byte[] Syn = Frames.Ethernet(Frames.Tcp("198.18.0.2", 40000, "198.18.0.1", 8080, TcpFlags.Syn, options: Frames.SynOptions(7)));
    private static readonly byte[] Ack = Frames.Ethernet(Frames.Tcp("198.18.0.2", 40000, "198.18.0.1", 8080, TcpFlags.Ack, seq: 1001, ack: 5001, payload: 100));

    private static List<(long Ticks, LinkType Link, int Captured, int Original, int Interface)> ReadAll(byte[] file, out CaptureReader reader)
    {
        Assert.True(CaptureReader.TryOpen(new MemoryStream(file), out var r, out string? problem), problem);
        reader = r!;
        var result = new List<(long, LinkType, int, int, int)>();
        while (reader.TryRead(out var p))
        {
            result.Add((p.Ticks, p.LinkType, p.Data.Length, p.OriginalLength, p.Interface));
        }
        return result;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void Classic_pcap_is_read_in_both_resolutions_and_byte_orders(bool nanos, bool bigEndian)
    {
        uint fraction = nanos ? 123_456_789u : 123_456u;
        var file = Frames.Pcap(1, [(1_700_000_000, fraction, Syn, Syn.Length), (1_700_000_001, 0, Ack, Ack.Length)], nanos, bigEndian);

        var packets = ReadAll(file, out var reader);

        Assert.Equal(nanos ? CaptureFormat.PcapNanos : CaptureFormat.Pcap, reader.Format);
        Assert.Equal(2, packets.Count);
        var expected = DateTime.UnixEpoch.AddSeconds(1_700_000_000).Ticks + (nanos ? 1_234_567 : 1_234_560);
        Assert.Equal(expected, packets[0].Ticks);
        Assert.Equal(LinkType.Ethernet, packets[0].Link);
        Assert.Equal(Ack.Length, packets[1].Captured);
        Assert.Equal(0, reader.Statistics.Malformed);
        Assert.Equal(file.Length, reader.Statistics.Bytes);
    }

    [Fact]
    public void Pcapng_interfaces_keep_their_own_link_type_and_timestamp_resolution()
    {
        var sll2 = new byte[20 + 40];
        sll2[0] = 0x08; // protocol 0x0800
        Frames.Tcp("198.18.0.1", 8080, "198.18.0.2", 40000, TcpFlags.Ack, window: 0).CopyTo(sll2, 20);
        var file = new Frames.PcapNg()
            .Section()
            .Interface(1)                    // default resolution: microseconds
            .Interface(276, tsresol: 9)      // nanoseconds, Linux cooked v2
            .Interface(101, tsresol: 0x8A)   // 2^-10 seconds, raw IP
            .Other(5, 16)                    // an interface statistics block: skipped
            .Enhanced(0, 1_700_000_000_000_001UL, Syn, Syn.Length)
            .Enhanced(1, 1_700_000_000_000_000_100UL, sll2, sll2.Length)
            .Enhanced(2, 1024UL * 3 + 512, Frames.Tcp("198.18.0.2", 1, "198.18.0.1", 2, TcpFlags.Ack), 40)
            .Simple(Ack)
            .ToArray();

        var packets = ReadAll(file, out var reader);

        Assert.Equal(CaptureFormat.PcapNg, reader.Format);
        Assert.Equal(4, packets.Count);
        Assert.Equal(DateTime.UnixEpoch.Ticks + 1_700_000_000_000_001L * 10, packets[0].Ticks);
        Assert.Equal((LinkType.LinuxSll2, 1), (packets[1].Link, packets[1].Interface));
        Assert.Equal(DateTime.UnixEpoch.Ticks + 1_700_000_000_000_000_100L / 100, packets[1].Ticks);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(3.5).Ticks, packets[2].Ticks);
        Assert.Equal(LinkType.Raw, packets[2].Link);
        Assert.Equal((LinkType.Ethernet, 0L, Ack.Length), (packets[3].Link, packets[3].Ticks, packets[3].Captured));
        Assert.Equal(1, reader.Statistics.SkippedBlocks);
        Assert.Equal(0, reader.Statistics.Malformed);
    }

    [Fact]
    public void A_big_endian_pcapng_section_is_read()
    {
        var file = new Frames.PcapNg(bigEndian: true).Section().Interface(1).Enhanced(0, 5_000_000, Syn, Syn.Length).ToArray();
        var packets = ReadAll(file, out _);
        Assert.Equal(DateTime.UnixEpoch.AddSeconds(5).Ticks, Assert.Single(packets).Ticks);
    }

    [Fact]
    public void A_snaplen_cut_packet_keeps_its_wire_length_and_still_decodes()
    {
        var cut = Ack[..60];
        var file = Frames.Pcap(1, [(1, 0, cut, Ack.Length)]);
        Assert.True(CaptureReader.TryOpen(new MemoryStream(file), out var reader, out _));
        Assert.True(reader!.TryRead(out var packet));
        Assert.True(packet.Truncated);
        Assert.Equal(DecodeResult.Tcp, PacketDecoder.Decode(packet.LinkType, packet.Data, out var tcp));
        Assert.Equal(100, tcp.PayloadLength);
        Assert.True(tcp.Truncated);
    }

    [Fact]
    public void A_corrupt_record_length_stops_the_read_and_says_where()
    {
        var file = Frames.Pcap(1, [(1, 0, Syn, Syn.Length), (2, 0, Ack, Ack.Length)]);
        // The second record's captured length (after the 24-byte header, the first record, and 8 bytes of timestamps).
        int at = 24 + 16 + Syn.Length + 8;
        file[at + 3] = 0x7F;

        var packets = ReadAll(file, out var reader);

        Assert.Single(packets);
        Assert.Equal(1, reader.Statistics.Malformed);
        Assert.Contains($"at byte {24 + 16 + Syn.Length:N0}", reader.Statistics.StoppedEarly);
    }

    [Fact]
    public void A_file_cut_inside_a_packet_keeps_the_packets_before_it()
    {
        var file = Frames.Pcap(1, [(1, 0, Syn, Syn.Length), (2, 0, Ack, Ack.Length)]);
        var packets = ReadAll(file[..^10], out var reader);
        Assert.Single(packets);
        Assert.Contains("ends inside a packet", reader.Statistics.StoppedEarly);
    }

    [Fact]
    public void A_pcapng_block_with_a_wrong_trailing_length_is_skipped_and_reading_goes_on()
    {
        var file = new Frames.PcapNg().Section().Interface(1).Enhanced(0, 1, Syn, Syn.Length).Enhanced(0, 2, Ack, Ack.Length).ToArray();
        int firstEpbEnd = 28 + 20 + 28 + ((Syn.Length + 3) & ~3) + 4;
        file[firstEpbEnd - 4] ^= 0xFF;

        var packets = ReadAll(file, out var reader);

        Assert.Single(packets);
        Assert.Equal(1, reader.Statistics.Malformed);
        Assert.Null(reader.Statistics.StoppedEarly);
    }

    [Fact]
    public void Text_is_not_a_capture()
    {
        Assert.False(CaptureReader.TryOpen(new MemoryStream("Jun 17 04:00:01 host kernel: hello\n"u8.ToArray()), out _, out string? problem));
        Assert.Contains("magic", problem);
        Assert.Equal(CaptureFormat.Unknown, CaptureReader.Detect("Jun "u8));
    }
}
