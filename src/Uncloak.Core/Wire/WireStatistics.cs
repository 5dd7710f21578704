namespace Uncloak.Core.Wire;

/// <summary>What the flow tracker saw and where its bounds bit. Read after a scan or from the daemon's metrics.</summary>
public sealed class WireStatistics
{
    public long Segments { get; set; }

    /// <summary>Flows created (handshake seen or not).</summary>
    public long Flows { get; set; }

    /// <summary>Flows pushed out of a full table before they went idle.</summary>
    public long FlowsEvicted { get; set; }

    /// <summary>Flows whose handshake the capture missed, so their window scale is unknown (windows read as unscaled, slow-read checks skipped).</summary>
    public long UnknownScaleFlows { get; set; }

    public long ZeroWindows { get; set; }

    public long ZeroWindowProbes { get; set; }

    public long WindowShrinks { get; set; }

    /// <summary>Shrinks over data in flight whose data the receiver took within TCP's minimum retransmission timeout: a race, not reported.</summary>
    public long ShrinksTakenBack { get; set; }

    public long Retransmissions { get; set; }

    /// <summary>ICMP and ICMPv6 messages seen (the flood counts leave out echo replies and neighbour discovery).</summary>
    public long IcmpMessages { get; set; }

    /// <summary>Keys the per-window count tables could not hold (the window's counts for them are lost, not the flows).</summary>
    public long CountOverflow { get; set; }

    public long EventsEmitted { get; set; }

    /// <summary>Flows in the table now.</summary>
    public int ActiveFlows { get; set; }
}
