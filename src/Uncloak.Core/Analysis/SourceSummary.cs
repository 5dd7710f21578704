using Uncloak.Core.Framing;

namespace Uncloak.Core.Analysis;

/// <summary>One input of an analysis: how it was read and what went wrong with it, if anything.</summary>
public sealed record SourceSummary(string Name, string Format, long Lines, long Malformed, long Events, string? Error)
{
    /// <summary>1-based line and byte offset of the first malformed line, when there was one.</summary>
    public (long Line, long Offset)? FirstMalformed { get; init; }

    /// <summary>Byte ranges skipped as crash damage (NUL runs), the first <see cref="LineReader.MaxDamagedRanges"/> of them.</summary>
    public IReadOnlyList<ByteRange> Damaged { get; init; } = [];

    /// <summary>How many damaged ranges there were in all, and how many bytes they held.</summary>
    public (long Ranges, long Bytes) DamagedTotal { get; init; }
}
