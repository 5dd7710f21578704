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

    /// <summary>1-based line number and byte offset of the first malformed line, for the error message.</summary>
    public (long Line, long Offset)? FirstMalformed { get; set; }

    public void Add(ScanStatistics other)
    {
        Lines += other.Lines;
        Records += other.Records;
        Events += other.Events;
        Malformed += other.Malformed;
        Overlong += other.Overlong;
        Bytes += other.Bytes;
        FirstMalformed ??= other.FirstMalformed;
    }
}
