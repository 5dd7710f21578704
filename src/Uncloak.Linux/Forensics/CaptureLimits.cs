namespace Uncloak.Linux.Forensics;

/// <summary>
/// How far one capture may go: bytes per bundle, sockets written, time per tool, interfaces read, and the nice value it
/// runs at. The defaults keep a bundle of a 100,000-socket server near 40 MB.
/// </summary>
public sealed record CaptureLimits
{
    /// <summary>Largest bundle written; the biggest files are left out (and named in <c>capture.txt</c>) beyond it.</summary>
    public long MaxBundleBytes { get; init; } = 64L << 20;

    /// <summary>Sockets written to <c>ss.txt</c> (listeners first); the rest are counted.</summary>
    public int MaxSockets { get; init; } = 200_000;

    /// <summary>Largest output kept from one tool.</summary>
    public int MaxToolBytes { get; init; } = 4 << 20;

    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Interfaces whose <c>ethtool -S</c> is read.</summary>
    public int MaxInterfaces { get; init; } = 16;

    /// <summary>The capture thread's nice value (the tools it runs inherit it).</summary>
    public int Nice { get; init; } = 10;
}
