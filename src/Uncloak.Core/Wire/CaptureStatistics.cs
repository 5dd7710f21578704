namespace Uncloak.Core.Wire;

/// <summary>What reading and decoding one capture saw. Bad packets and blocks are counted here, never thrown.</summary>
public sealed class CaptureStatistics
{
    /// <summary>Packet records read (every link type).</summary>
    public long Packets { get; set; }

    /// <summary>Packets decoded down to a TCP header.</summary>
    public long TcpPackets { get; set; }

    /// <summary>ICMP and ICMPv6 messages (counted per source and destination for floods).</summary>
    public long IcmpPackets { get; set; }

    /// <summary>IP packets of other protocols (UDP, GRE…) and non-IP frames of known ethertypes (ARP, LLDP…).</summary>
    public long OtherPackets { get; set; }

    /// <summary>Packets the snapshot length cut short (still decoded when the TCP header survived).</summary>
    public long Truncated { get; set; }

    /// <summary>Packets whose headers contradict themselves or end before they should.</summary>
    public long Malformed { get; set; }

    /// <summary>Ethernet frames with an ethertype the decoder does not know.</summary>
    public long UnknownEthertype { get; set; }

    /// <summary>Packets on a link type the decoder does not know.</summary>
    public long UnknownLinkType { get; set; }

    /// <summary>Non-first IP fragments (no TCP header to read).</summary>
    public long Fragments { get; set; }

    /// <summary>pcapng blocks skipped because they are of a type that carries no packets, or unreadable.</summary>
    public long SkippedBlocks { get; set; }

    /// <summary>Bytes consumed from the file.</summary>
    public long Bytes { get; set; }

    /// <summary>Why reading stopped before the end of the file (a corrupt record header), null when it did not.</summary>
    public string? StoppedEarly { get; set; }

    /// <summary>Byte offset of the first malformed packet or block, for the message.</summary>
    public long? FirstMalformedOffset { get; set; }

    internal void NoteMalformed(long offset)
    {
        Malformed++;
        FirstMalformedOffset ??= offset;
    }
}
