namespace Uncloak.Core.Audit;

/// <summary>The verdict of one check on one subject (the host, an interface, a listener).</summary>
public sealed record CheckResult
{
    public required string Id { get; init; }

    public required AuditGroup Group { get; init; }

    public required Severity Severity { get; init; }

    public required string Title { get; init; }

    /// <summary>The interface or listener judged; null for host-wide checks.</summary>
    public string? Subject { get; init; }

    public required CheckStatus Status { get; init; }

    /// <summary>What was found, with the values read ("tcp_syncookies=0").</summary>
    public required string Observed { get; init; }

    public required string Expected { get; init; }

    /// <summary>Why it matters (the check's reasoning) followed by what it means on this host.</summary>
    public required string Rationale { get; init; }

    /// <summary>Situation-specific explanation of the verdict; null when Observed says it all.</summary>
    public string? Detail { get; init; }

    /// <summary>The fix; null when passing or when nothing can be changed.</summary>
    public Fix? Fix { get; init; }

    /// <summary>Why the configuration silences it (Status is then Silenced).</summary>
    public string? SilencedBecause { get; init; }
}
