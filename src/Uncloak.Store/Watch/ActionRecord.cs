namespace Uncloak.Store.Watch;

/// <summary>One remediation step as stored: what a scenario's profile asked, on what, and what came of it.</summary>
public sealed record ActionRecord(DateTime Time, string Scenario, string Profile, string Action, string Target, TimeSpan Duration, bool Simulated, string Outcome, string Reason);
