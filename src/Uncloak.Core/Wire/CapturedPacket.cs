namespace Uncloak.Core.Wire;

/// <summary>
/// One packet as the capture stored it. <see cref="Data"/> points into the reader's buffer and is valid only until the
/// next read.
/// </summary>
public readonly ref struct CapturedPacket
{
    /// <summary>The captured bytes (at most the snapshot length: compare with <see cref="OriginalLength"/>).</summary>
    public ReadOnlySpan<byte> Data { get; init; }

    public LinkType LinkType { get; init; }

    /// <summary>Capture time as UTC <see cref="DateTime"/> ticks; 0 when the block carries none (pcapng simple packets).</summary>
    public long Ticks { get; init; }

    /// <summary>The packet's length on the wire.</summary>
    public int OriginalLength { get; init; }

    /// <summary>pcapng interface id (0 for pcap).</summary>
    public int Interface { get; init; }

    /// <summary>Byte offset of the packet's record in the file: the event's source position.</summary>
    public long Offset { get; init; }

    /// <summary>True when the snapshot length cut the packet short.</summary>
    public bool Truncated => Data.Length < OriginalLength;
}
