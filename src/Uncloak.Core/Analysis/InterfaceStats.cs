using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// What the log says about one network interface. Every count is exact; <see cref="Flaps"/> lists the latest
/// <see cref="FlapsListed"/> of <see cref="FlapCount"/> flaps (a flapping NIC has hundreds of thousands).
/// </summary>
public sealed partial class InterfaceStats(string name)
{
    /// <summary>Flaps listed at most per interface (the latest ones); the counts and durations cover every flap.</summary>
    public const int FlapsListed = 1_000;

    public string Name { get; } = name;

    public string? Driver { get; internal set; }

    /// <summary>The latest flaps, in time order: all of them when <see cref="FlapCount"/> is at most <see cref="FlapsListed"/>.</summary>
    public List<LinkFlap> Flaps { get; } = [];

    /// <summary>Every link-down episode (paired down→up, or still down when the log ends).</summary>
    public long FlapCount { get; internal set; }

    /// <summary>The flaps that came back up (the others have no duration).</summary>
    public long FlapsEnded { get; internal set; }

    /// <summary>How long the link was down over every flap that came back up.</summary>
    public TimeSpan DownTotal { get; internal set; }

    /// <summary>The longest of the flaps that came back up.</summary>
    public TimeSpan DownLongest { get; internal set; }

    /// <summary>Flaps whose link went down at most 60 s after a transmit hang or watchdog reset of this interface.</summary>
    public long FlapsAfterReset { get; internal set; }

    /// <summary>True when the link was down when the log ends (the last flap has no up).</summary>
    public bool StillDown { get; internal set; }

    public int LinkUps { get; internal set; }

    public int LinkDowns { get; internal set; }

    /// <summary>The last link-up's negotiated settings.</summary>
    public int LastSpeedMbps { get; internal set; }

    public Duplex LastDuplex { get; internal set; }

    public FlowControl LastFlowControl { get; internal set; }

    public int HalfDuplexUps { get; internal set; }

    public int DegradedWarnings { get; internal set; }

    /// <summary>Transmit-queue timeouts (NETDEV WATCHDOG).</summary>
    public long Watchdogs { get; internal set; }

    /// <summary>Transmit unit hangs.</summary>
    public long Hangs { get; internal set; }

    /// <summary>The disruption cause of this interface's flaps, one string for all of them (a flapping NIC has hundreds of thousands).</summary>
    internal string DownCause => _downCause ??= $"{Name} link down";

    private string? _downCause;
}
