namespace Uncloak.Core.Framing;

/// <summary>One kernel record with its transport wrapping removed. The spans point into the reader's or framer's buffers and live until the next call.</summary>
public readonly ref struct FramedLine
{
    /// <summary>Wall-clock time (UTC), or default when the transport has none.</summary>
    public DateTime Time { get; init; }

    /// <summary>Kernel uptime in microseconds, or -1.</summary>
    public long UptimeMicros { get; init; }

    /// <summary>Syslog level 0–7, or -1 when the transport does not say.</summary>
    public int Priority { get; init; }

    /// <summary>The host the line names, or empty.</summary>
    public ReadOnlySpan<byte> Host { get; init; }

    /// <summary>The kernel message, every framing removed.</summary>
    public ReadOnlySpan<byte> Message { get; init; }

    /// <summary>Which wrapping this line came in.</summary>
    public LineFraming Framing { get; init; }
}
