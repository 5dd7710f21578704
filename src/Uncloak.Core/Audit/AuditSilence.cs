namespace Uncloak.Core.Audit;

/// <summary>A check the administrator has decided to live with, and why. Subject narrows it to one interface or listener.</summary>
public sealed record AuditSilence(string Id, string? Subject, string Reason)
{
    public bool Matches(CheckResult result) =>
        string.Equals(result.Id, Id, StringComparison.Ordinal) &&
        (Subject is null || string.Equals(result.Subject, Subject, StringComparison.Ordinal));
}
