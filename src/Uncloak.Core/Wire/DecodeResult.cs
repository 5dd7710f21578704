namespace Uncloak.Core.Wire;

/// <summary>What <see cref="PacketDecoder"/> made of one captured frame.</summary>
public enum DecodeResult : byte
{
    /// <summary>A TCP segment: the packet's fields are set.</summary>
    Tcp,

    /// <summary>IP of another protocol, or a non-IP frame of a known kind (ARP, LLDP, 802.3 LLC…).</summary>
    Other,

    /// <summary>Headers that contradict themselves or end before their own length says.</summary>
    Malformed,

    /// <summary>An Ethernet (or cooked) frame whose ethertype is none the decoder knows.</summary>
    UnknownEthertype,

    UnknownLinkType,

    /// <summary>A non-first IP fragment: no TCP header in it.</summary>
    Fragment,

    /// <summary>An ICMP or ICMPv6 message: the packet's addresses, TTL, <see cref="TcpPacket.Protocol"/> and <see cref="TcpPacket.IcmpType"/> are set.</summary>
    Icmp,
}
