namespace Uncloak.Core.Counters;

/// <summary>One signal between two snapshots: its value now, the change, and the rate per second.</summary>
public readonly record struct CounterReading(CounterSignal Signal, double Value, double Delta, double PerSecond, bool Present)
{
    /// <summary>True when the signal crossed its alarm level (counters by rate, gauges by value).</summary>
    public bool IsAlarm => Present && (Signal.Kind == CounterKind.Counter
        ? Delta > 0 && PerSecond >= Signal.AlarmAt
        : Value >= Signal.AlarmAt);
}
