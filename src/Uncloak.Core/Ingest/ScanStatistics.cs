using Uncloak.Core.Framing;

namespace Uncloak.Core.Ingest;

/// <summary>What a scan of one input saw, line by line. Malformed lines are data, not errors.</summary>
public sealed class ScanStatistics
{
    public long Lines { get; set; }

    public long Records { get; set; }

    public long Events { get; set; }

    /// <summary>Lines that do not fit the input's format, overlong lines included.</summary>
    public long Malformed { get; set; }

    public long Overlong { get; set; }

    public long Bytes { get; set; }

    /// <summary>Lines cut short by a NUL run (counted in <see cref="Malformed"/> too).</summary>
    public long Damaged { get; set; }

    /// <summary>NUL runs skipped (crash damage): all of them, while <see cref="DamagedRanges"/> keeps the first ones.</summary>
    public long DamagedRangeCount { get; set; }

    /// <summary>Bytes the skipped NUL runs held.</summary>
    public long DamagedBytes { get; set; }

    /// <summary>The first <see cref="LineReader.MaxDamagedRanges"/> skipped ranges, in file order.</summary>
    public List<ByteRange> DamagedRanges { get; } = [];

    /// <summary>1-based line number and byte offset of the first malformed line, for the error message.</summary>
    public (long Line, long Offset)? FirstMalformed { get; set; }

    /// <summary>Adds another range's or file's counts; damaged ranges are appended, so add in file order.</summary>
    public void Add(ScanStatistics other)
    {
        Lines += other.Lines;
        Records += other.Records;
        Events += other.Events;
        Malformed += other.Malformed;
        Overlong += other.Overlong;
        Bytes += other.Bytes;
        Damaged += other.Damaged;
        DamagedRangeCount += other.DamagedRangeCount;
        DamagedBytes += other.DamagedBytes;
        DamagedRanges.AddRange(other.DamagedRanges.Take(LineReader.MaxDamagedRanges - DamagedRanges.Count));
        FirstMalformed ??= other.FirstMalformed;
    }
}
