using Uncloak.Lab.Faults;

namespace Uncloak.Lab.Runs;

/// <summary>
/// One fault run: the daemon watches the healthy server for <see cref="Warmup"/> (its baseline and a passing probe), the
/// fault is held for <see cref="Hold"/>, then the run waits up to <see cref="Tail"/> for the daemon to see the service
/// back and close the outage (its bundle's after/ snapshot).
/// </summary>
public sealed record FaultPlan(FaultKind Fault)
{
    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Long enough for two failed checks a second apart (an outage) and a vantage round inside it.</summary>
    public TimeSpan Hold { get; init; } = TimeSpan.FromSeconds(12);

    public TimeSpan Tail { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>The CI mode: every fault, each held 7 s (about 25 s a fault with set-up and recovery).</summary>
    public static IReadOnlyList<FaultPlan> Short(IEnumerable<FaultKind>? only = null)
        => [.. (only ?? FaultNames.All.Select(f => f.Kind)).Select(k => new FaultPlan(k) { Hold = TimeSpan.FromSeconds(7) })];

    /// <summary>Every fault, each held 12 s.</summary>
    public static IReadOnlyList<FaultPlan> Full(IEnumerable<FaultKind>? only = null)
        => [.. (only ?? FaultNames.All.Select(f => f.Kind)).Select(k => new FaultPlan(k))];
}
