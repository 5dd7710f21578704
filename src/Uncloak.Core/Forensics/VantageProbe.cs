namespace Uncloak.Core.Forensics;

/// <summary>One probe result from one vantage point, as an incident bundle stores it.</summary>
/// <remarks>Failure is the failure class (<c>timeout</c>, <c>refused</c>, <c>unreachable</c>, <c>neigh-failed</c>…); "" when it passed.</remarks>
public sealed record VantageProbe(DateTime Time, Vantage Vantage, string Target, bool Ok, string Failure, TimeSpan Latency);
