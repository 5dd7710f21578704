namespace Uncloak.Core.Wire;

/// <summary>
/// The link-layer header types a capture can declare (tcpdump.org linktypes: the numbers stored in pcap and pcapng
/// files, not the platform DLT_ values). Only the ones the decoder understands are named.
/// </summary>
public enum LinkType : ushort
{
    /// <summary>BSD loopback: a 4-byte address family in the capturing host's byte order.</summary>
    Null = 0,

    Ethernet = 1,

    /// <summary>Raw IP, version from the first nibble (LINKTYPE_RAW).</summary>
    Raw = 101,

    /// <summary>Linux cooked capture v1, what <c>tcpdump -i any</c> writes.</summary>
    LinuxSll = 113,

    Ipv4 = 228,

    Ipv6 = 229,

    /// <summary>Linux cooked capture v2 (interface index and ARPHRD type included), libpcap ≥ 1.10 on <c>-i any</c>.</summary>
    LinuxSll2 = 276,
}
