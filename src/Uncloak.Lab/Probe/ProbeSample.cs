namespace Uncloak.Lab.Probe;

/// <summary>One probe request: when it started (since the probe began), whether a full 200 response came back in time, and how long it took.</summary>
public readonly record struct ProbeSample(TimeSpan At, bool Ok, TimeSpan Latency, string? Failure);
