using System.Collections.Frozen;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Events;

/// <summary>The stable snake_case names of event kinds used in JSON, the store and the CLI.</summary>
public static class EventKinds
{
    /// <summary>The kinds no log line produces (host signals, probes); log kinds are named by their family.</summary>
    private static readonly (EventKind Kind, string Name)[] SignalTable =
    [
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
        (EventKind.IcmpFlood, "icmp_flood"),
    ];

    private static readonly (EventKind Kind, string Name)[] Table =
        [.. MessageFamilies.All.Select(f => (f.Kind, f.Name)), .. SignalTable];

    private static readonly string[] Names = BuildNames();

    private static readonly FrozenDictionary<string, EventKind> ByName =
        Table.ToFrozenDictionary(t => t.Name, t => t.Kind, StringComparer.OrdinalIgnoreCase);

    /// <summary>Every kind that has a name, in declaration order.</summary>
    public static IReadOnlyList<EventKind> All { get; } = [.. Table.Select(t => t.Kind)];

    /// <summary>The kinds the kernel log catalog produces, in the order the families are registered.</summary>
    public static IReadOnlyList<EventKind> LogKinds { get; } = [.. MessageFamilies.All.Select(f => f.Kind)];

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
