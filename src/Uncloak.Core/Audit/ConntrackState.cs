namespace Uncloak.Core.Audit;

/// <summary>The connection-tracking table now: entries in use, the limit, and the hash buckets.</summary>
public sealed record ConntrackState(long Count, long Max, long? Buckets);
