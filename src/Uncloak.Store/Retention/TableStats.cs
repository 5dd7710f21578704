namespace Uncloak.Store.Retention;

/// <summary>One kind of record in the store: how many rows and the time span they cover (null when empty or untimed).</summary>
public sealed record TableStats(string Name, long Rows, DateTimeOffset? Oldest, DateTimeOffset? Newest);
