using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Probe;

namespace Uncloak.Lab.Runs;

/// <summary>
/// What one cell measured: the probe before the attack (<see cref="Baseline"/>), during all of it (<see cref="Attack"/>)
/// and in its steady state (<see cref="Steady"/>, the figure the verdicts use); what the attacker and the defence did;
/// the server namespace's counters that moved; the per-second availability for the charts; and the time to recover
/// (<see cref="ProbeRecovery"/>, from the attack's start; null when the service never came back).
/// </summary>
public sealed record CellResult(
    AttackKind Attack,
    DefenceKind Defence,
    string Victim,
    ProbeSummary Baseline,
    ProbeSummary During,
    ProbeSummary Steady,
    AttackStats AttackStats,
    UncloakStats? Uncloak,
    IReadOnlyDictionary<string, long> Counters,
    IReadOnlyList<double?> AvailabilityPerSecond,
    double WarmupSeconds,
    double AttackSeconds,
    TimeSpan? RecoveredAfter);
