namespace Uncloak.Config;

/// <summary>
/// <c>sources: capture:</c> — the live packet source (AF_PACKET ring, TCP only). Absent or <c>off</c>: no capture.
/// </summary>
public sealed record CaptureConfig
{
    /// <summary>Interface name, or <c>any</c>.</summary>
    public string Interface { get; init; } = "any";

    /// <summary>Ring memory in MiB (fixed at start).</summary>
    public int RingMegabytes { get; init; } = 8;

    /// <summary>Bytes kept per packet (headers only).</summary>
    public int SnapLength { get; init; } = 160;

    /// <summary>Packets decoded per second at most; the rest are shed and counted.</summary>
    public int MaxPacketsPerSecond { get; init; } = 200_000;

    /// <summary>Connections tracked at once.</summary>
    public int MaxFlows { get; init; } = 262_144;

    /// <summary>Zero windows held this long are reported.</summary>
    public TimeSpan ZeroWindowHold { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>A window kept under <c>tiny_window</c> bytes this long is a slow reader.</summary>
    public TimeSpan SlowRead { get; init; } = TimeSpan.FromSeconds(5);

    public int TinyWindowBytes { get; init; } = 2048;

    /// <summary>SYNs per destination in <c>count_window</c> that make a flood.</summary>
    public int SynFloodSyns { get; init; } = 200;

    public TimeSpan CountWindow { get; init; } = TimeSpan.FromSeconds(10);
}
