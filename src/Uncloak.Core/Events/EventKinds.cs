using System.Collections.Frozen;

namespace Uncloak.Core.Events;

/// <summary>The stable snake_case names of event kinds used in JSON, the store and the CLI.</summary>
public static class EventKinds
{
    private static readonly (EventKind Kind, string Name)[] Table =
    [
        (EventKind.Treason, "treason"),
        (EventKind.SynFlood, "syn_flood"),
        (EventKind.DropOpenRequest, "drop_open_request"),
        (EventKind.ConntrackFull, "conntrack_full"),
        (EventKind.TcpOutOfMemory, "tcp_out_of_memory"),
        (EventKind.TooManyOrphans, "too_many_orphans"),
        (EventKind.TimeWaitOverflow, "time_wait_overflow"),
        (EventKind.NicLink, "nic_link"),
        (EventKind.NetdevWatchdog, "netdev_watchdog"),
        (EventKind.NicHang, "nic_hang"),
        (EventKind.FirewallLog, "firewall_log"),
        (EventKind.Martian, "martian"),
        (EventKind.NeighbourOverflow, "neighbour_overflow"),
        (EventKind.RateLimitSuppressed, "ratelimit_suppressed"),
        (EventKind.ZeroWindowHold, "zero_window_hold"),
        (EventKind.SlowRead, "slow_read"),
        (EventKind.SynRecvFlood, "syn_recv_flood"),
        (EventKind.AcceptQueueFull, "accept_queue_full"),
        (EventKind.CounterAlarm, "counter_alarm"),
        (EventKind.ProbeFailed, "probe_failed"),
        (EventKind.ProbeRecovered, "probe_recovered"),
        (EventKind.RstStorm, "rst_storm"),
        (EventKind.RetransmitStorm, "retransmit_storm"),
        (EventKind.OddPacket, "odd_packet"),
    ];

    private static readonly string[] Names = BuildNames();

    private static readonly FrozenDictionary<string, EventKind> ByName =
        Table.ToFrozenDictionary(t => t.Name, t => t.Kind, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every kind that has a name, in declaration order.</summary>
    public static IReadOnlyList<EventKind> All { get; } = [.. Table.Select(t => t.Kind)];

    /// <summary>The kinds the kernel log catalog produces.</summary>
    public static IReadOnlyList<EventKind> LogKinds { get; } = [.. Table.Select(t => t.Kind).Where(k => (byte)k < 32)];

    public static string Name(this EventKind kind) => Names[(byte)kind];

    public static bool TryParse(string name, out EventKind kind) => ByName.TryGetValue(name, out kind);

    private static string[] BuildNames()
    {
        var names = new string[256];
        Array.Fill(names, "unknown");
        foreach (var (kind, name) in Table)
        {
            names[(byte)kind] = name;
        }
        return names;
    }
}
