using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>
/// The IP and TCP header fields of one TCP segment: what the flow tracker needs from a capture, and what the lab's raw
/// sockets write and read (<see cref="Ipv4TcpPacket"/>). Lengths come from the IP header, so a packet the snapshot length
/// cut short still says how much data it carried. For an ICMP message (<see cref="DecodeResult.Icmp"/>) only the IP
/// fields, <see cref="Protocol"/> and <see cref="IcmpType"/> are set.
/// </summary>
public readonly record struct TcpPacket
{
    public NetAddress Source { get; init; }

    public NetAddress Destination { get; init; }

    public ushort SourcePort { get; init; }

    public ushort DestinationPort { get; init; }

    public uint Sequence { get; init; }

    public uint Acknowledgement { get; init; }

    public TcpFlags Flags { get; init; }

    /// <summary>The window field as on the wire (unscaled).</summary>
    public ushort Window { get; init; }

    /// <summary>IPv4 TTL or IPv6 hop limit.</summary>
    public byte Ttl { get; init; }

    /// <summary>Payload bytes the segment carried (from the IP length, not the captured length).</summary>
    public int PayloadLength { get; init; }

    /// <summary>Window scale option value (SYN/SYN-ACK only), -1 when absent.</summary>
    public sbyte WindowScale { get; init; }

    /// <summary>MSS option value, 0 when absent.</summary>
    public ushort Mss { get; init; }

    public bool SackPermitted { get; init; }

    /// <summary>SACK blocks carried, 0 when none.</summary>
    public byte SackBlocks { get; init; }

    public bool HasTimestamp { get; init; }

    public uint TsValue { get; init; }

    public uint TsEcho { get; init; }

    /// <summary>The snapshot length cut the packet (its payload, never the TCP header) short.</summary>
    public bool Truncated { get; init; }

    /// <summary>The IP protocol as decoded: 6 (TCP), 1 (ICMP) or 58 (ICMPv6); 0 on a segment built to be sent.</summary>
    public byte Protocol { get; init; }

    /// <summary>The ICMP or ICMPv6 message type (8 echo request, 128 ICMPv6 echo request…); 0 for TCP.</summary>
    public byte IcmpType { get; init; }

    /// <summary>True when the segment carries SYN: the only segments whose window is never scaled.</summary>
    public bool IsSyn => (Flags & TcpFlags.Syn) != 0;
}
