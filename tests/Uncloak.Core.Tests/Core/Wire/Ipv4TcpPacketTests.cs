using Uncloak.Core.Events;
using Uncloak.Core.Wire;
using Xunit;

namespace Uncloak.Core.Tests.Wire;

public sealed class Ipv4TcpPacketTests
{
    [Fact]
    public void The_checksum_matches_the_rfc_1071_worked_example()
    {
        // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2; the checksum is its complement.
        Assert.Equal((ushort)0x220d, InternetChecksum.Compute([0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7]));
    }

    [Fact]
    public void A_syn_is_byte_for_byte_what_the_kernel_would_accept()
    {
        var syn = new TcpPacket
        {
            Source = NetAddress.Parse("198.18.10.1"),
            Destination = NetAddress.Parse("198.19.0.1"),
            SourcePort = 40000,
            DestinationPort = 8080,
            Sequence = 0x01020304,
            Flags = TcpFlags.Syn,
            Window = 4096,
            Mss = 1000,
        };
        var buf = new byte[64];
        int n = Ipv4TcpPacket.Write(buf, syn, [], identification: 0x1234);
        Assert.Equal(44, n);
        // Header checksums computed independently (python: ones'-complement sums over the same bytes).
        byte[] expected =
        [
            0x45, 0x00, 0x00, 0x2c, 0x12, 0x34, 0x40, 0x00, 0x40, 0x06, 0x92, 0x70, 198, 18, 10, 1, 198, 19, 0, 1,
            0x9c, 0x40, 0x1f, 0x90, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0, 0x60, 0x02, 0x10, 0x00, 0x33, 0xf4, 0x00, 0x00,
            0x02, 0x04, 0x03, 0xe8,
        ];
        Assert.Equal(expected, buf[..n]);
        Assert.Equal(Ipv4HeaderChecksum(buf), (ushort)((buf[10] << 8) | buf[11]));
        Assert.True(Ipv4TcpPacket.TryRead(buf.AsSpan(0, n), out var back));
        // Read back by the capture decoder: what was written, plus what the header says beyond it (TTL 64, no window scale).
        Assert.Equal(syn with { PayloadLength = 0, Ttl = 64, WindowScale = -1, Protocol = 6 }, back);
    }

    [Fact]
    public void A_corrupted_or_truncated_packet_does_not_read()
    {
        var seg = new TcpPacket
        {
            Source = NetAddress.Parse("198.18.0.2"),
            Destination = NetAddress.Parse("198.18.0.1"),
            SourcePort = 1,
            DestinationPort = 2,
            Flags = TcpFlags.Ack,
            Window = 0,
        };
        var buf = new byte[64];
        int n = Ipv4TcpPacket.Write(buf, seg, "data"u8);
        Assert.True(Ipv4TcpPacket.TryRead(buf.AsSpan(0, n), out var ok));
        Assert.Equal(4, ok.PayloadLength);
        buf[n - 1] ^= 0xFF;
        Assert.False(Ipv4TcpPacket.TryRead(buf.AsSpan(0, n), out _));
        for (int cut = 0; cut < n; cut++)
        {
            Assert.False(Ipv4TcpPacket.TryRead(buf.AsSpan(0, cut), out _, verifyChecksums: false));
        }
    }

    private static ushort Ipv4HeaderChecksum(byte[] packet)
    {
        // Independent reference: sum the header words with the checksum field zeroed.
        uint sum = 0;
        for (int i = 0; i < 20; i += 2)
        {
            sum += i == 10 ? 0u : (uint)((packet[i] << 8) | packet[i + 1]);
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }
}
