namespace Uncloak.Core.Events;

/// <summary>
/// What happened. Log-derived kinds come from the message catalog; socket- and counter-derived
/// kinds from host signals; probe kinds from health checks. The numeric values are stored: append only.
/// </summary>
public enum EventKind : byte
{
    Unknown = 0,

    /// <summary>Treason uncloaked / unexpectedly shrunk window / probing zero-window: one kernel condition, three texts.</summary>
    Treason = 1,
    SynFlood = 2,
    DropOpenRequest = 3,
    ConntrackFull = 4,
    TcpOutOfMemory = 5,
    TooManyOrphans = 6,
    TimeWaitOverflow = 7,
    NicLink = 8,
    NetdevWatchdog = 9,
    NicHang = 10,
    FirewallLog = 11,
    Martian = 12,
    NeighbourOverflow = 13,
    RateLimitSuppressed = 14,

    /// <summary>A SYN whose window scale option is over 14 (RFC 7323's maximum): the kernel clamps it and says so.</summary>
    IllegalWindowScale = 15,

    // Host signals (socket table, counters).
    ZeroWindowHold = 32,
    SlowRead = 33,
    SynRecvFlood = 34,
    AcceptQueueFull = 35,
    CounterAlarm = 36,

    // Health probes.
    ProbeFailed = 48,
    ProbeRecovered = 49,

    // The wire (captures and live packets). Zero-window holds, shrinks, slow readers and SYN floods seen on the wire
    // reuse ZeroWindowHold, SlowRead and SynRecvFlood so the same scenarios act on them.
    RstStorm = 64,
    RetransmitStorm = 65,
    OddPacket = 66,
    IcmpFlood = 67,
}
