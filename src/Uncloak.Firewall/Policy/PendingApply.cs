namespace Uncloak.Firewall.Policy;

/// <summary>An applied policy waiting for <c>firewall confirm</c>: what to put back, and the timer that will if nobody confirms.</summary>
public sealed record PendingApply(string Token, DateTimeOffset AppliedAt, DateTimeOffset Deadline, int TimerPid, string PreviousJson);
