namespace Uncloak.Core.Events;

public enum LinkState : byte
{
    Down = 0,
    Up = 1,

    /// <summary>A driver's warning that the negotiated link is suspect (half duplex, downgraded speed).</summary>
    Degraded = 2,
}
