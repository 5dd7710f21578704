using System.Buffers.Binary;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// Builds and reads whole IPv4+TCP packets (20-byte IP header, TCP header with an optional MSS option), checksums included:
/// what a raw socket with IP_HDRINCL sends and receives. Pure. The segment is the wire's <see cref="TcpPacket"/>: built
/// from its addresses, ports, sequence numbers, flags, window and MSS, and read back by <see cref="PacketDecoder"/>.
/// </summary>
public static class Ipv4TcpPacket
{
    public const int IpHeaderSize = 20;
    public const int TcpHeaderSize = 20;
    public const int MssOptionSize = 4;
    private const byte ProtocolTcp = PacketDecoder.ProtocolTcp;

    /// <summary>Bytes needed for <paramref name="segment"/> with <paramref name="payloadLength"/> bytes of data.</summary>
    public static int SizeOf(in TcpPacket segment, int payloadLength)
        => IpHeaderSize + TcpHeaderSize + (segment.Mss != 0 ? MssOptionSize : 0) + payloadLength;

    /// <summary>Writes the packet; returns its length. <paramref name="identification"/> fills the IP id field.</summary>
    public static int Write(Span<byte> destination, in TcpPacket segment, ReadOnlySpan<byte> payload, ushort identification = 0)
    {
        if (!segment.Source.IsV4 || !segment.Destination.IsV4)
        {
            throw new ArgumentException("IPv4 addresses only", nameof(segment));
        }
        int tcpHeader = TcpHeaderSize + (segment.Mss != 0 ? MssOptionSize : 0);
        int total = IpHeaderSize + tcpHeader + payload.Length;
        var packet = destination[..total];
        packet.Clear();

        var ip = packet[..IpHeaderSize];
        ip[0] = 0x45; // version 4, header 5 words
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)total);
        BinaryPrimitives.WriteUInt16BigEndian(ip[4..], identification);
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], 0x4000); // don't fragment
        ip[8] = 64; // TTL
        ip[9] = ProtocolTcp;
        BinaryPrimitives.WriteUInt32BigEndian(ip[12..], segment.Source.V4);
        BinaryPrimitives.WriteUInt32BigEndian(ip[16..], segment.Destination.V4);
        BinaryPrimitives.WriteUInt16BigEndian(ip[10..], InternetChecksum.Compute(ip));

        var tcp = packet[IpHeaderSize..];
        BinaryPrimitives.WriteUInt16BigEndian(tcp, segment.SourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], segment.DestinationPort);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[4..], segment.Sequence);
        BinaryPrimitives.WriteUInt32BigEndian(tcp[8..], segment.Acknowledgement);
        tcp[12] = (byte)((tcpHeader / 4) << 4);
        tcp[13] = (byte)segment.Flags;
        BinaryPrimitives.WriteUInt16BigEndian(tcp[14..], segment.Window);
        if (segment.Mss != 0)
        {
            tcp[20] = 2; // kind MSS
            tcp[21] = 4;
            BinaryPrimitives.WriteUInt16BigEndian(tcp[22..], segment.Mss);
        }
        payload.CopyTo(tcp[tcpHeader..]);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[16..], TcpChecksum(ip[12..16], ip[16..20], tcp));
        return total;
    }

    /// <summary>
    /// Reads an IPv4 packet carrying TCP. False for anything else, for truncated packets, or (when
    /// <paramref name="verifyChecksums"/>) for bad checksums.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out TcpPacket segment, bool verifyChecksums = true)
    {
        segment = default;
        if (packet.Length < IpHeaderSize || (packet[0] >> 4) != 4 || packet[9] != ProtocolTcp)
        {
            return false;
        }
        int ihl = (packet[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        if (ihl < IpHeaderSize || total < ihl + TcpHeaderSize || total > packet.Length)
        {
            return false;
        }
        var tcp = packet[ihl..total];
        int dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < TcpHeaderSize || dataOffset > tcp.Length)
        {
            return false;
        }
        if (verifyChecksums && (InternetChecksum.Compute(packet[..ihl]) != 0 || TcpChecksum(packet[12..16], packet[16..20], tcp) != 0))
        {
            return false;
        }
        // One reader of TCP headers for the lab's raw sockets and the wire: the capture decoder.
        return PacketDecoder.Decode(LinkType.Ipv4, packet[..total], out segment) == DecodeResult.Tcp;
    }

    /// <summary>TCP checksum over the IPv4 pseudo-header and the segment (its checksum field included as it is).</summary>
    private static ushort TcpChecksum(ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination, ReadOnlySpan<byte> tcp)
    {
        uint sum = InternetChecksum.Add(0, source);
        sum = InternetChecksum.Add(sum, destination);
        sum += ProtocolTcp;
        sum += (uint)tcp.Length;
        return InternetChecksum.Finish(InternetChecksum.Add(sum, tcp));
    }
}
