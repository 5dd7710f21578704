using Uncloak.Core.Events;

namespace Uncloak.Linux.Sources;

/// <summary>
/// What a live source hands the engine: events read since the last batch and the cursor after them. The engine
/// stores both in one transaction, so the cursor never runs ahead of (or behind) what is stored.
/// </summary>
public sealed record SourceBatch(string Source, int SourceId, IReadOnlyList<(NetEvent Event, string? Text)> Events, string Cursor, long Position, long Gaps)
{
    /// <summary>Records read (classified or not) in this batch, for lag and throughput metrics.</summary>
    public long Records { get; init; }
}
