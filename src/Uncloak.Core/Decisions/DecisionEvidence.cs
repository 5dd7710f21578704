namespace Uncloak.Core.Decisions;

/// <summary>
/// What made a scenario decide: the stored event that overflowed its bucket (the <c>events</c> row keyed by
/// <paramref name="SourceId"/> and <paramref name="Offset"/>), when the bucket's first event happened, and how many events
/// it had counted. <c>uncloak peer ADDR</c> follows the link back to the kernel's own line.
/// </summary>
public sealed record DecisionEvidence(int SourceId, long Offset, DateTimeOffset First, int Events);
