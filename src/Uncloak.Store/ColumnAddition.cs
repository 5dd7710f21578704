namespace Uncloak.Store;

/// <summary>A column a <see cref="Migration"/> adds to a table when the table does not have it yet.</summary>
public sealed record ColumnAddition(string Table, string Name, string Definition);
