using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>Which mechanism an event shows, and the names reports give mechanisms.</summary>
public static class AttackMechanisms
{
    /// <summary>
    /// The mechanism <paramref name="ev"/> is evidence of, or null when its kind is not an attack on connections or
    /// listeners (kernel lines, counters, odd packets and storms are other findings' business).
    /// </summary>
    public static AttackMechanism? Of(in NetEvent ev) => ev.Kind switch
    {
        EventKind.ZeroWindowHold => ev.Form == 1 ? AttackMechanism.WindowShrink : AttackMechanism.ZeroWindowHold,
        EventKind.SlowRead => AttackMechanism.SlowReader,
        EventKind.SynRecvFlood => ev.Form == 1 ? AttackMechanism.SpoofedSynFlood : AttackMechanism.SynFlood,
        EventKind.IcmpFlood => ev.Form == 1 ? AttackMechanism.SpreadIcmpFlood : AttackMechanism.IcmpFlood,
        _ => null,
    };

    /// <summary>
    /// True for the mechanisms that hold established connections: one attacker's connections to one port show them
    /// together (a slow reader's window also sits at zero between reads, a shrink usually ends at zero), and are one attack.
    /// </summary>
    public static bool HoldsConnections(AttackMechanism m) => m <= AttackMechanism.SlowReader;

    /// <summary>
    /// Of the connection-holding mechanisms seen together, the one that names the attack: a shrink is the rarest and the
    /// most specific (it needs a deliberately broken stack), a slow reader explains its own zero windows, a hold is the rest.
    /// </summary>
    public static int Precedence(AttackMechanism m) => m switch
    {
        AttackMechanism.WindowShrink => 3,
        AttackMechanism.SlowReader => 2,
        _ => 1,
    };

    /// <summary>The stable name in JSON and finding ids.</summary>
    public static string Name(this AttackMechanism m) => m switch
    {
        AttackMechanism.ZeroWindowHold => "zero_window_hold",
        AttackMechanism.WindowShrink => "window_shrink",
        AttackMechanism.SlowReader => "slow_reader",
        AttackMechanism.SpoofedSynFlood => "spoofed_syn_flood",
        AttackMechanism.SynFlood => "syn_flood",
        AttackMechanism.IcmpFlood => "icmp_flood",
        _ => "spread_icmp_flood",
    };

    /// <summary>The mechanism in words, for titles.</summary>
    public static string Words(this AttackMechanism m) => m switch
    {
        AttackMechanism.ZeroWindowHold => "zero-window hold",
        AttackMechanism.WindowShrink => "window shrink",
        AttackMechanism.SlowReader => "slow reader",
        AttackMechanism.SpoofedSynFlood => "spoofed SYN flood",
        AttackMechanism.SynFlood => "SYN flood",
        AttackMechanism.IcmpFlood => "ICMP flood",
        _ => "ICMP flood from many sources",
    };
}
