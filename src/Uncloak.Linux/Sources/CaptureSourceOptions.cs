using Uncloak.Core.Wire;

namespace Uncloak.Linux.Sources;

/// <summary>
/// The live capture source's bounds: the ring is the memory (fixed, allocated by the kernel at start), the packet rate
/// cap is the CPU (blocks beyond it are handed back unread and counted), the flow cap is the tracker's memory.
/// </summary>
public sealed record CaptureSourceOptions
{
    /// <summary>Interface name, or "any" for every interface of the namespace.</summary>
    public string Interface { get; init; } = "any";

    /// <summary>Ring size in MiB (blocks of <see cref="BlockKilobytes"/>).</summary>
    public int RingMegabytes { get; init; } = 8;

    public int BlockKilobytes { get; init; } = 1024;

    /// <summary>Bytes kept of each packet: enough for IPv6 with extension headers and full TCP options.</summary>
    public int SnapLength { get; init; } = 160;

    /// <summary>How long a partly filled block waits before the kernel hands it over (latency on a quiet link).</summary>
    public TimeSpan BlockTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Packets decoded per second at most; the rest are shed (counted), so a flood cannot take the daemon's CPU.</summary>
    public int MaxPacketsPerSecond { get; init; } = 200_000;

    public WireOptions Wire { get; init; } = new();
}
