namespace Uncloak.Store;

/// <summary>One forward step of the schema. Versions are applied in order, once, each in its own transaction.</summary>
public sealed record Migration(int Version, string Description, string Sql);
