namespace Uncloak.Core.Wire;

/// <summary>What a capture file turned out to be, from its first four bytes.</summary>
public enum CaptureFormat : byte
{
    Unknown = 0,

    /// <summary>Classic pcap, microsecond timestamps (magic a1b2c3d4).</summary>
    Pcap,

    /// <summary>Classic pcap, nanosecond timestamps (magic a1b23c4d).</summary>
    PcapNanos,

    /// <summary>pcapng: sections, interfaces with their own timestamp resolution, several block types.</summary>
    PcapNg,
}
