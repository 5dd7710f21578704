using System.Buffers.Binary;
using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// Decodes a captured frame down to its TCP header (or its ICMP type): link layer (Ethernet with 802.1Q/802.1ad tags, Linux cooked v1 and
/// v2, raw IP, BSD loopback), IPv4 or IPv6 (extension headers walked), then TCP with its options. Pure, allocation-free;
/// checksums are not verified (offloading NICs hand captures unfinished checksums, and tshark does not check them
/// either by default). Lengths are taken from the IP header so a snaplen-truncated packet keeps its real size.
/// </summary>
public static class PacketDecoder
{
    private const ushort EtherIpv4 = 0x0800;
    private const ushort EtherIpv6 = 0x86DD;
    private const ushort EtherVlan = 0x8100;
    private const ushort EtherQinQ = 0x88A8;
    private const ushort EtherQinQLegacy = 0x9100;
    /// <summary>IP protocol numbers the wire reads.</summary>
    public const byte ProtocolTcp = 6;
    public const byte ProtocolIcmp = 1;
    public const byte ProtocolIcmpV6 = 58;
    private const int MaxVlanTags = 4;
    private const int MaxExtensionHeaders = 8;

    /// <summary>Decodes <paramref name="frame"/>; <paramref name="packet"/> is set only when the result is <see cref="DecodeResult.Tcp"/>.</summary>
    public static DecodeResult Decode(LinkType linkType, ReadOnlySpan<byte> frame, out TcpPacket packet)
    {
        packet = default;
        switch (linkType)
        {
            case LinkType.Ethernet:
                return DecodeEthernet(frame, out packet);
            case LinkType.LinuxSll:
                // 16 bytes: packet type, ARPHRD type, address length, 8 address bytes, protocol (ethertype).
                return frame.Length < 16 ? DecodeResult.Malformed : DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame[14..]), frame[16..], out packet);
            case LinkType.LinuxSll2:
                // 20 bytes: protocol first, then reserved, interface index, ARPHRD type, packet type, address length, 8 address bytes.
                return frame.Length < 20 ? DecodeResult.Malformed : DecodeEtherType(BinaryPrimitives.ReadUInt16BigEndian(frame), frame[20..], out packet);
            case LinkType.Raw:
                return frame.IsEmpty ? DecodeResult.Malformed : (frame[0] >> 4) switch
                {
                    4 => DecodeIpv4(frame, out packet),
                    6 => DecodeIpv6(frame, out packet),
                    _ => DecodeResult.Malformed,
                };
            case LinkType.Ipv4:
                return DecodeIpv4(frame, out packet);
            case LinkType.Ipv6:
                return DecodeIpv6(frame, out packet);
            case LinkType.Null:
                return DecodeNull(frame, out packet);
            default:
                return DecodeResult.UnknownLinkType;
        }
    }

    private static DecodeResult DecodeEthernet(ReadOnlySpan<byte> frame, out TcpPacket packet)
    {
        packet = default;
        if (frame.Length < 14)
        {
            return DecodeResult.Malformed;
        }
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        var rest = frame[14..];
        for (int tags = 0; type is EtherVlan or EtherQinQ or EtherQinQLegacy; tags++)
        {
            if (tags == MaxVlanTags || rest.Length < 4)
            {
                return DecodeResult.Malformed;
            }
            type = BinaryPrimitives.ReadUInt16BigEndian(rest[2..]);
            rest = rest[4..];
        }
        return DecodeEtherType(type, rest, out packet);
    }

    private static DecodeResult DecodeEtherType(ushort type, ReadOnlySpan<byte> payload, out TcpPacket packet)
    {
        packet = default;
        return type switch
        {
            EtherIpv4 => DecodeIpv4(payload, out packet),
            EtherIpv6 => DecodeIpv6(payload, out packet),
            _ => IsKnownEtherType(type) ? DecodeResult.Other : DecodeResult.UnknownEthertype,
        };
    }

    /// <summary>
    /// Non-IP frames a server's segment carries as a matter of course: 802.3 length fields (LLC: STP, CDP), ARP, RARP,
    /// Wake-on-LAN, EAPOL, PPPoE, LLDP, MPLS, MACsec, PTP, and the Linux cooked pseudo-protocols (802.2, 802.3, CAN…)
    /// below 0x0100. Anything else on a server port is worth a look.
    /// </summary>
    private static bool IsKnownEtherType(ushort type) => type < 0x0600 || type is 0x0806 or 0x8035 or 0x0842 or 0x888E
        or 0x8863 or 0x8864 or 0x88CC or 0x8847 or 0x8848 or 0x88E5 or 0x88F7 or 0x8809 or 0x8808;

    private static DecodeResult DecodeNull(ReadOnlySpan<byte> frame, out TcpPacket packet)
    {
        packet = default;
        if (frame.Length < 4)
        {
            return DecodeResult.Malformed;
        }
        // The family is in the capturing host's byte order: accept it either way round.
        uint family = BinaryPrimitives.ReadUInt32LittleEndian(frame);
        if (family > 0xFFFF)
        {
            family = BinaryPrimitives.ReadUInt32BigEndian(frame);
        }
        return family switch
        {
            2 => DecodeIpv4(frame[4..], out packet),
            10 or 24 or 28 or 30 => DecodeIpv6(frame[4..], out packet),
            _ => DecodeResult.Other,
        };
    }

    private static DecodeResult DecodeIpv4(ReadOnlySpan<byte> ip, out TcpPacket packet)
    {
        packet = default;
        if (ip.Length < 20 || (ip[0] >> 4) != 4)
        {
            return DecodeResult.Malformed;
        }
        int ihl = (ip[0] & 0x0F) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(ip[2..]);
        if (ihl < 20 || ihl > ip.Length || total < ihl)
        {
            // total = 0 is what TSO leaves in locally captured super-packets; everything else here is broken.
            if (total == 0 && ihl >= 20 && ihl <= ip.Length)
            {
                total = ip.Length;
            }
            else
            {
                return DecodeResult.Malformed;
            }
        }
        if (ip[9] is not (ProtocolTcp or ProtocolIcmp))
        {
            return DecodeResult.Other;
        }
        if ((BinaryPrimitives.ReadUInt16BigEndian(ip[6..]) & 0x1FFF) != 0)
        {
            return DecodeResult.Fragment;
        }
        if (ip[9] == ProtocolIcmp)
        {
            return DecodeIcmp(ip[ihl..], total - ihl, ProtocolIcmp, NetAddress.FromBytes(ip.Slice(12, 4)), NetAddress.FromBytes(ip.Slice(16, 4)), ip[8], out packet);
        }
        return DecodeTcp(ip[ihl..], total - ihl, NetAddress.FromBytes(ip.Slice(12, 4)), NetAddress.FromBytes(ip.Slice(16, 4)), ip[8], out packet);
    }

    private static DecodeResult DecodeIpv6(ReadOnlySpan<byte> ip, out TcpPacket packet)
    {
        packet = default;
        if (ip.Length < 40 || (ip[0] >> 4) != 6)
        {
            return DecodeResult.Malformed;
        }
        int remaining = BinaryPrimitives.ReadUInt16BigEndian(ip[4..]);
        if (remaining == 0)
        {
            // A jumbogram (RFC 2675) or a TSO super-packet: the captured bytes are all there is to go on.
            remaining = ip.Length - 40;
        }
        byte next = ip[6];
        var rest = ip[40..];
        for (int headers = 0; next is not (ProtocolTcp or ProtocolIcmpV6); headers++)
        {
            if (headers == MaxExtensionHeaders)
            {
                return DecodeResult.Malformed;
            }
            int length;
            switch (next)
            {
                case 0 or 43 or 60 or 135 or 139 or 140: // hop-by-hop, routing, destination options, mobility, HIP, shim6
                    if (rest.Length < 8)
                    {
                        return DecodeResult.Malformed;
                    }
                    length = (rest[1] + 1) * 8;
                    break;
                case 44: // fragment
                    if (rest.Length < 8)
                    {
                        return DecodeResult.Malformed;
                    }
                    if ((BinaryPrimitives.ReadUInt16BigEndian(rest[2..]) & 0xFFF8) != 0)
                    {
                        return DecodeResult.Fragment;
                    }
                    length = 8;
                    break;
                case 51: // authentication header counts in 4-byte units
                    if (rest.Length < 8)
                    {
                        return DecodeResult.Malformed;
                    }
                    length = (rest[1] + 2) * 4;
                    break;
                default:
                    return DecodeResult.Other;
            }
            if (length > rest.Length || length > remaining)
            {
                return DecodeResult.Malformed;
            }
            next = rest[0];
            rest = rest[length..];
            remaining -= length;
        }
        if (next == ProtocolIcmpV6)
        {
            return DecodeIcmp(rest, remaining, ProtocolIcmpV6, NetAddress.FromBytes(ip.Slice(8, 16)), NetAddress.FromBytes(ip.Slice(24, 16)), ip[7], out packet);
        }
        return DecodeTcp(rest, remaining, NetAddress.FromBytes(ip.Slice(8, 16)), NetAddress.FromBytes(ip.Slice(24, 16)), ip[7], out packet);
    }

    /// <summary>An ICMP(v6) message: its type is its first byte; the 4-byte header (type, code, checksum) must be there.</summary>
    private static DecodeResult DecodeIcmp(ReadOnlySpan<byte> icmp, int length, byte protocol, NetAddress source, NetAddress destination, byte ttl, out TcpPacket packet)
    {
        packet = default;
        if (icmp.Length < 4 || length < 4)
        {
            return DecodeResult.Malformed;
        }
        packet = new TcpPacket
        {
            Source = source,
            Destination = destination,
            Ttl = ttl,
            Protocol = protocol,
            IcmpType = icmp[0],
            PayloadLength = length,
            Truncated = icmp.Length < length,
        };
        return DecodeResult.Icmp;
    }

    /// <summary><paramref name="segmentLength"/> is the TCP length the IP header declares; <paramref name="tcp"/> what was captured of it.</summary>
    private static DecodeResult DecodeTcp(ReadOnlySpan<byte> tcp, int segmentLength, NetAddress source, NetAddress destination, byte ttl, out TcpPacket packet)
    {
        packet = default;
        if (tcp.Length < 20 || segmentLength < 20)
        {
            return DecodeResult.Malformed;
        }
        int dataOffset = (tcp[12] >> 4) * 4;
        if (dataOffset < 20 || dataOffset > segmentLength || dataOffset > tcp.Length)
        {
            return DecodeResult.Malformed;
        }
        sbyte scale = -1;
        ushort mss = 0;
        bool sackPermitted = false, hasTimestamp = false;
        byte sackBlocks = 0;
        uint tsValue = 0, tsEcho = 0;
        var options = tcp[20..dataOffset];
        while (!options.IsEmpty)
        {
            byte kind = options[0];
            if (kind == 0)
            {
                break;
            }
            if (kind == 1)
            {
                options = options[1..];
                continue;
            }
            if (options.Length < 2 || options[1] < 2 || options[1] > options.Length)
            {
                // A bad option length ends the option list; the header itself is still good.
                break;
            }
            var option = options[..options[1]];
            switch (kind)
            {
                case 2 when option.Length == 4:
                    mss = BinaryPrimitives.ReadUInt16BigEndian(option[2..]);
                    break;
                case 3 when option.Length == 3:
                    // RFC 7323 §2.3: a shift above 14 is used as 14.
                    scale = (sbyte)Math.Min(option[2], (byte)14);
                    break;
                case 4 when option.Length == 2:
                    sackPermitted = true;
                    break;
                case 5 when option.Length >= 10:
                    sackBlocks = (byte)((option.Length - 2) / 8);
                    break;
                case 8 when option.Length == 10:
                    hasTimestamp = true;
                    tsValue = BinaryPrimitives.ReadUInt32BigEndian(option[2..]);
                    tsEcho = BinaryPrimitives.ReadUInt32BigEndian(option[6..]);
                    break;
            }
            options = options[option.Length..];
        }
        packet = new TcpPacket
        {
            Source = source,
            Destination = destination,
            SourcePort = BinaryPrimitives.ReadUInt16BigEndian(tcp),
            DestinationPort = BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]),
            Sequence = BinaryPrimitives.ReadUInt32BigEndian(tcp[4..]),
            Acknowledgement = BinaryPrimitives.ReadUInt32BigEndian(tcp[8..]),
            Flags = (TcpFlags)tcp[13],
            Window = BinaryPrimitives.ReadUInt16BigEndian(tcp[14..]),
            Ttl = ttl,
            Protocol = ProtocolTcp,
            PayloadLength = segmentLength - dataOffset,
            WindowScale = scale,
            Mss = mss,
            SackPermitted = sackPermitted,
            SackBlocks = sackBlocks,
            HasTimestamp = hasTimestamp,
            TsValue = tsValue,
            TsEcho = tsEcho,
            Truncated = tcp.Length < segmentLength,
        };
        return DecodeResult.Tcp;
    }
}
