namespace Uncloak.Store;

/// <summary>
/// One forward step of the schema. Versions are applied in order, once, each in its own transaction: first the
/// <paramref name="Columns"/> a table lacks are added (SQLite has no <c>ADD COLUMN IF NOT EXISTS</c>, and a step must
/// run again on a store whose version was set back), then <paramref name="Sql"/>.
/// </summary>
public sealed record Migration(int Version, string Description, string Sql, IReadOnlyList<ColumnAddition>? Columns = null);
