namespace Uncloak.Core.Retention;

/// <summary>
/// How long the store keeps what it records (the <c>retention:</c> section of uncloak.yaml, or <c>store prune</c>'s
/// flags). Null keeps that kind forever. Active bans are never pruned, whatever their age; sources (what was read and
/// how far) are never pruned either, so a pruned log is not read in again.
/// </summary>
public sealed record RetentionPolicy
{
    /// <summary>Events older than this (by their own time).</summary>
    public TimeSpan? Events { get; init; } = TimeSpan.FromDays(30);

    /// <summary>Outages that ended longer ago than this (an ongoing outage is kept).</summary>
    public TimeSpan? Outages { get; init; } = TimeSpan.FromDays(365);

    /// <summary>The daemon's action log (bans, kills, alerts, remedies it carried out) older than this.</summary>
    public TimeSpan? Actions { get; init; } = TimeSpan.FromDays(365);

    /// <summary>Decisions that stopped being in force (expired, revoked, refused) longer ago than this. Escalation looks 30 days back.</summary>
    public TimeSpan? Decisions { get; init; } = TimeSpan.FromDays(90);

    /// <summary>How often the daemon prunes.</summary>
    public TimeSpan Every { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Rows deleted per kind per transaction: the daemon's writes wait at most this long behind one prune step.</summary>
    public int Batch { get; init; } = 50_000;
}
