namespace Uncloak.Core.Events;

/// <summary>
/// Where an event came from: the store's id for its source and the byte offset of its first
/// line (or the kmsg sequence number). Re-reading the same input yields the same positions,
/// which is what keeps ingestion idempotent.
/// </summary>
public readonly record struct SourcePosition(int SourceId, long Offset);
