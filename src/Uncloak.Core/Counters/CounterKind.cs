namespace Uncloak.Core.Counters;

/// <summary>How a counter value behaves over time.</summary>
public enum CounterKind : byte
{
    /// <summary>Only grows (until reboot or namespace creation): its rate per second is what matters.</summary>
    Counter = 0,

    /// <summary>A current level (sockets in use, conntrack entries): its value is what matters.</summary>
    Gauge = 1,
}
