using Uncloak.Core.Events;

namespace Uncloak.Core.Audit;

/// <summary>One network interface as /sys/class/net and the ethtool ioctl describe it.</summary>
public sealed record InterfaceSnapshot
{
    public required string Name { get; init; }

    /// <summary>True for a NIC backed by a device (a `device` link in sysfs) that is not a known virtual driver: the only kind with a cable, a switch port and a duplex to get wrong.</summary>
    public bool IsPhysical { get; init; }

    public bool IsLoopback { get; init; }

    /// <summary>`operstate`: "up", "down", "unknown", "dormant", …</summary>
    public string? OperState { get; init; }

    /// <summary>`speed` in Mb/s; null when the driver reports none (-1, or EINVAL when the link is down).</summary>
    public int? SpeedMbps { get; init; }

    public Duplex Duplex { get; init; }

    public int? Mtu { get; init; }

    /// <summary>`carrier_changes`: every carrier up or down since the device was registered (≈3.15+).</summary>
    public long? CarrierChanges { get; init; }

    /// <summary>`carrier_up_count` / `carrier_down_count` (≈4.16+).</summary>
    public long? CarrierUpCount { get; init; }

    public long? CarrierDownCount { get; init; }

    /// <summary>`statistics/*` counters by file name (rx_crc_errors, collisions, rx_missed_errors, rx_packets, …).</summary>
    public IReadOnlyDictionary<string, long> Statistics { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>What the driver answers through SIOCETHTOOL; null when nothing could be asked (virtual device, fixture without ethtool data).</summary>
    public EthtoolState? Ethtool { get; init; }

    /// <summary>Growth of the statistics over a sampling interval; null for a single reading.</summary>
    public CounterGrowth? Growth { get; init; }

    public long? Stat(string name) => Statistics.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// Link flaps since registration: carrier losses after the first. Most drivers register with the carrier off
    /// (carrier_down_count 1 on a link that came up once); one that registers with it on undercounts by one, which
    /// errs on the side of not crying wolf.
    /// </summary>
    public long? LinkFlaps =>
        CarrierDownCount is { } down ? Math.Max(0, down - 1)
        // Without the split counters (kernels before ≈4.16): a link that came up once shows 1 or 2 changes; each flap adds 2.
        : CarrierChanges is { } changes ? Math.Max(0, (changes - 1) / 2)
        : null;
}
