using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>What the log says about one network interface.</summary>
public sealed class InterfaceStats(string name)
{
    public string Name { get; } = name;

    public string? Driver { get; internal set; }

    public List<LinkFlap> Flaps { get; } = [];

    public int LinkUps { get; internal set; }

    public int LinkDowns { get; internal set; }

    /// <summary>The last link-up's negotiated settings.</summary>
    public int LastSpeedMbps { get; internal set; }

    public Duplex LastDuplex { get; internal set; }

    public FlowControl LastFlowControl { get; internal set; }

    public int HalfDuplexUps { get; internal set; }

    public int DegradedWarnings { get; internal set; }

    public List<DateTime> Watchdogs { get; } = [];

    public List<DateTime> Hangs { get; } = [];

    internal DateTime? DownSince { get; set; }

    /// <summary>The disruption cause of this interface's flaps, one string for all of them (a flapping NIC has hundreds of thousands).</summary>
    internal string DownCause => _downCause ??= $"{Name} link down";

    private string? _downCause;
}
