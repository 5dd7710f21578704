using Uncloak.Core.Events;

namespace Uncloak.Core.Wire;

/// <summary>The fields of one IPv4 TCP segment that matter to build or read it.</summary>
public readonly record struct TcpSegment
{
    public NetAddress Source { get; init; }

    public NetAddress Destination { get; init; }

    public ushort SourcePort { get; init; }

    public ushort DestinationPort { get; init; }

    public uint Sequence { get; init; }

    public uint Acknowledgement { get; init; }

    public TcpFlags Flags { get; init; }

    /// <summary>The advertised window, unscaled as it is on the wire.</summary>
    public ushort Window { get; init; }

    /// <summary>An MSS option to include (SYN only), 0 for none.</summary>
    public ushort Mss { get; init; }

    /// <summary>Payload bytes (when read: how many the segment carried).</summary>
    public int PayloadLength { get; init; }
}
