namespace Uncloak.Core.Audit;

/// <summary>
/// The connection-tracking table now: entries in use, the limit, and the hash buckets. The kernel keeps no peak
/// count; what it does keep is how many packets it dropped for lack of room since boot (/proc/net/stat/nf_conntrack
/// `drop`, summed over CPUs) and how many unconfirmed entries it evicted to make room (`early_drop`).
/// </summary>
public sealed record ConntrackState(long Count, long Max, long? Buckets)
{
    /// <summary>Packets dropped because the table was full (and nothing could be evicted); null when unreadable.</summary>
    public long? Drops { get; init; }

    /// <summary>Unconfirmed entries evicted to make room: the table was full at those moments too.</summary>
    public long? EarlyDrops { get; init; }
}
