namespace Uncloak.Core.Framing;

public enum FrameResult : byte
{
    /// <summary>A record: classify its message.</summary>
    Record,

    /// <summary>Part of the transport, not a record (kmsg continuation, journal field, blank line).</summary>
    Skip,

    /// <summary>Not of the file's format: counted as malformed.</summary>
    Malformed,
}
