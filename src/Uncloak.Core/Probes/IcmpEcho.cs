using System.Buffers.Binary;

namespace Uncloak.Core.Probes;

/// <summary>
/// ICMP and ICMPv6 echo messages (RFC 792, RFC 4443): writes a request, and reads what came back on an ICMP socket —
/// our reply, an error about our request (unreachable, time exceeded), or somebody else's packet. Pure: bytes in, bytes out.
/// </summary>
public static class IcmpEcho
{
    /// <summary>Bytes of the echo header (type, code, checksum, identifier, sequence).</summary>
    public const int HeaderSize = 8;

    private const byte EchoRequestV4 = 8, EchoReplyV4 = 0, UnreachableV4 = 3, TimeExceededV4 = 11;
    private const byte EchoRequestV6 = 128, EchoReplyV6 = 129, UnreachableV6 = 1, TimeExceededV6 = 3;

    /// <summary>
    /// Writes an echo request with <paramref name="payload"/>; returns its length. The IPv4 checksum is filled in; for
    /// ICMPv6 the kernel computes it (it covers the pseudo-header, which only the kernel knows), so it stays zero.
    /// </summary>
    public static int WriteRequest(Span<byte> destination, bool v6, ushort identifier, ushort sequence, ReadOnlySpan<byte> payload)
    {
        int length = HeaderSize + payload.Length;
        var packet = destination[..length];
        packet[0] = v6 ? EchoRequestV6 : EchoRequestV4;
        packet[1] = 0;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], 0);
        BinaryPrimitives.WriteUInt16BigEndian(packet[4..], identifier);
        BinaryPrimitives.WriteUInt16BigEndian(packet[6..], sequence);
        payload.CopyTo(packet[HeaderSize..]);
        if (!v6)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet[2..], Checksum(packet));
        }
        return length;
    }

    /// <summary>
    /// Reads one packet received on an ICMP socket. A raw IPv4 socket hands over the IP header too
    /// (<paramref name="withIpHeader"/>); datagram ("ping") sockets and raw ICMPv6 sockets do not. With
    /// <paramref name="identifier"/> null (ping sockets, where the kernel picks it and filters for us) only the sequence is matched.
    /// </summary>
    public static IcmpReply Read(ReadOnlySpan<byte> packet, bool v6, bool withIpHeader, ushort? identifier, ushort sequence)
    {
        if (withIpHeader && !v6)
        {
            if (packet.Length < 20 || packet[0] >> 4 != 4)
            {
                return IcmpReply.Other;
            }
            int ihl = (packet[0] & 0x0F) * 4;
            if (ihl < 20 || ihl > packet.Length)
            {
                return IcmpReply.Other;
            }
            packet = packet[ihl..];
        }
        if (packet.Length < HeaderSize)
        {
            return IcmpReply.Other;
        }
        byte type = packet[0];
        if (type == (v6 ? EchoReplyV6 : EchoReplyV4))
        {
            return Matches(packet, identifier, sequence) ? IcmpReply.EchoReply : IcmpReply.Other;
        }
        bool unreachable = type == (v6 ? UnreachableV6 : UnreachableV4);
        bool exceeded = type == (v6 ? TimeExceededV6 : TimeExceededV4);
        if (!unreachable && !exceeded)
        {
            return IcmpReply.Other;
        }
        // An error quotes the offending packet: its IP header, then at least the first 8 bytes of our echo request.
        var quoted = packet[HeaderSize..];
        if (!v6)
        {
            if (quoted.Length < 20 || quoted[0] >> 4 != 4 || quoted[9] != 1)
            {
                return IcmpReply.Other;
            }
            int ihl = (quoted[0] & 0x0F) * 4;
            quoted = ihl >= 20 && ihl <= quoted.Length ? quoted[ihl..] : default;
        }
        else
        {
            // The fixed 40-byte IPv6 header; a request of ours carries no extension headers (next header 58, ICMPv6).
            quoted = quoted.Length >= 40 && quoted[0] >> 4 == 6 && quoted[6] == 58 ? quoted[40..] : default;
        }
        if (quoted.Length < HeaderSize || quoted[0] != (v6 ? EchoRequestV6 : EchoRequestV4) || !Matches(quoted, identifier, sequence))
        {
            return IcmpReply.Other;
        }
        return unreachable ? IcmpReply.Unreachable : IcmpReply.TimeExceeded;
    }

    /// <summary>The Internet checksum (RFC 1071) of <paramref name="data"/>: one's complement of the one's complement sum of 16-bit words.</summary>
    public static ushort Checksum(ReadOnlySpan<byte> data)
    {
        uint sum = 0;
        int i = 0;
        for (; i + 1 < data.Length; i += 2)
        {
            sum += BinaryPrimitives.ReadUInt16BigEndian(data[i..]);
        }
        if (i < data.Length)
        {
            sum += (uint)data[i] << 8;
        }
        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (ushort)~sum;
    }

    private static bool Matches(ReadOnlySpan<byte> echo, ushort? identifier, ushort sequence)
        => BinaryPrimitives.ReadUInt16BigEndian(echo[6..]) == sequence
           && (identifier is not { } id || BinaryPrimitives.ReadUInt16BigEndian(echo[4..]) == id);
}
