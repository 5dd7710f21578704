namespace Uncloak.Core.Events;

public enum LinkState : byte
{
    Down = 0,
    Up = 1,

    /// <summary>A driver's warning that the negotiated link is suspect (half duplex, downgraded speed).</summary>
    Degraded = 2,

    /// <summary>
    /// A driver's report of the flow control it negotiated, on its own line after the link-up (tg3, b44:
    /// <c>Flow control is on for TX and on for RX</c>): it sets the interface's flow control, it is not a link change.
    /// </summary>
    Flow = 3,
}
