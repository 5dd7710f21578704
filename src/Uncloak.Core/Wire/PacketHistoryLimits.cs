namespace Uncloak.Core.Wire;

/// <summary>
/// The bounds of a <see cref="PacketHistory"/>: captured bytes and packets held at most (both allocated up front), how
/// far back it reaches, and the bytes kept of each packet. The defaults hold 10 s of headers in about 5 MB.
/// </summary>
public sealed record PacketHistoryLimits
{
    /// <summary>How far behind the newest packet the oldest kept may be.</summary>
    public TimeSpan Window { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Captured bytes held at most (the data buffer's size).</summary>
    public int MaxBytes { get; init; } = 4 << 20;

    /// <summary>Packets held at most (20 bytes of bookkeeping each).</summary>
    public int MaxPackets { get; init; } = 50_000;

    /// <summary>Bytes kept of each packet from its network header: IPv6 with extension headers and full TCP options.</summary>
    public int SnapLength { get; init; } = 128;

    /// <summary>Why these limits cannot work, or null.</summary>
    public string? Validate()
    {
        if (Window <= TimeSpan.Zero)
        {
            return "the window must be positive";
        }
        if (MaxPackets < 1)
        {
            return "at least one packet must fit";
        }
        if (SnapLength is < 1 or > CaptureReader.MaxPacketLength)
        {
            return $"the snapshot length must be from 1 to {CaptureReader.MaxPacketLength}";
        }
        return MaxBytes < SnapLength ? "max bytes must hold at least one packet's snapshot" : null;
    }
}
