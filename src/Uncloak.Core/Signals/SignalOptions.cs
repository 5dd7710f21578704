namespace Uncloak.Core.Signals;

/// <summary>Thresholds of the socket-table findings. The defaults suit an internet-facing web server.</summary>
public sealed record SignalOptions
{
    /// <summary>A zero-window socket is reported once its peer has held the window shut this long (ms).</summary>
    public uint ZeroWindowMinMillis { get; init; } = 1_000;

    /// <summary>A connection counts towards a slow read when we have sent nothing for this long (ms).</summary>
    public uint SlowReadIdleMillis { get; init; } = 30_000;

    /// <summary>A peer is reported for slow reads when it holds at least this many such connections.</summary>
    public int SlowReadMinConnections { get; init; } = 5;

    /// <summary>A connection that received less than this many bytes is still "waiting for the request" (slowloris).</summary>
    public ulong SlowReadMaxRequestBytes { get; init; } = 16 * 1024;

    /// <summary>A listener is reported for a SYN-RECV flood with at least this many half-open connections.</summary>
    public int SynRecvMinHalfOpen { get; init; } = 32;

    /// <summary>Half-open sources spread over at least this many /24 (IPv6 /64) prefixes look spoofed.</summary>
    public int SpoofedMinPrefixes { get; init; } = 8;

    /// <summary>A listener's accept queue at this fraction of its backlog is exhausted.</summary>
    public double AcceptQueueFullRatio { get; init; } = 0.9;

    public static SignalOptions Default { get; } = new();
}
