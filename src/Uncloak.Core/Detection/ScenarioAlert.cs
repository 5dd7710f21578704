using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>A scenario's bucket overflowed: <see cref="Events"/> matching events from <see cref="Key"/> between <see cref="First"/> and <see cref="Time"/>.</summary>
public sealed record ScenarioAlert(Scenario Scenario, BucketKey Key, DateTime First, DateTime Time, int Events, NetEvent Trigger)
{
    public string Summary => $"{Scenario.Name}: {Key} — {Events} {Trigger.Kind.Name()} events in {Format(Time - First)}";

    private static string Format(TimeSpan span) => span.TotalSeconds < 120
        ? $"{Math.Max(0, (int)span.TotalSeconds)}s"
        : span.TotalMinutes < 120 ? $"{(int)span.TotalMinutes}m" : $"{(int)span.TotalHours}h";
}
