using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// One attack, summed over the events that show it: an attacker (one address, or the range a spoofed flood's sources
/// share) against one target, by one mechanism, with the numbers a finding quotes. Over the wire every
/// connection-holding event is one connection; a socket-table event counts the sockets of one snapshot, so connections
/// from repeated snapshots add up to more than were open at once.
/// </summary>
public sealed class AttackTally
{
    internal AttackTally(AttackMechanism first, NetAddress attacker, int attackerPrefixLength, NetAddress target, ushort localPort)
    {
        Mechanism = first;
        Attacker = attacker;
        AttackerPrefixLength = attackerPrefixLength;
        Target = target;
        LocalPort = localPort;
    }

    /// <summary>For connection-holding attacks, the most specific mechanism seen (<see cref="AttackMechanisms.Precedence"/>).</summary>
    public AttackMechanism Mechanism { get; private set; }

    /// <summary>The attacker's address, the network of <see cref="AttackerRange"/>, or none (forged sources sharing no range).</summary>
    public NetAddress Attacker { get; }

    /// <summary>0 when <see cref="Attacker"/> is one address; otherwise the prefix length of the sources' range.</summary>
    public int AttackerPrefixLength { get; }

    /// <summary>"198.18.128.0/17" when the attacker is a range, else null.</summary>
    public string? AttackerRange => AttackerPrefixLength == 0 || Attacker.IsNone ? null : $"{Attacker}/{AttackerPrefixLength}";

    /// <summary>The attacked address when the events name it (the wire does; socket snapshots name only the port).</summary>
    public NetAddress Target { get; }

    public ushort LocalPort { get; }

    public long Events { get; private set; }

    /// <summary>Connections held at zero window (and how long the longest was, what was pinned, probes sent into it).</summary>
    public long ZeroWindowConnections { get; private set; }

    public long LongestHoldMillis { get; private set; }

    public long BytesPinned { get; private set; }

    public long Probes { get; private set; }

    /// <summary>Connections whose window's right edge moved back over data in flight, and the bytes in flight then.</summary>
    public long ShrunkConnections { get; private set; }

    public long BytesInFlightAtShrink { get; private set; }

    /// <summary>Connections kept at a tiny window, the longest time one stayed there and what was read meanwhile.</summary>
    public long SlowConnections { get; private set; }

    public long LongestSlowMillis { get; private set; }

    public long BytesRead { get; private set; }

    /// <summary>Floods: half-open SYNs or ICMP messages, summed over the counting windows that crossed the threshold.</summary>
    public long Packets { get; private set; }

    public long FloodMillis { get; private set; }

    /// <summary>Spoofing hints of a SYN flood (the largest window's): distinct sources, prefixes, TTL spread.</summary>
    public int Sources { get; private set; }

    public int Prefixes { get; private set; }

    public int TtlSpread { get; private set; }

    /// <summary>The ICMP type last counted (8: echo request).</summary>
    public int IcmpType { get; private set; }

    public DateTime First { get; private set; } = DateTime.MaxValue;

    public DateTime Last { get; private set; } = DateTime.MinValue;

    /// <summary>Connections this attack held by any of the holding mechanisms (the largest count, as one connection may show several).</summary>
    public long Connections => Math.Max(ZeroWindowConnections, Math.Max(ShrunkConnections, SlowConnections));

    internal void Add(in NetEvent ev, AttackMechanism mechanism, DateTime time, long weight)
    {
        if (AttackMechanisms.Precedence(mechanism) > AttackMechanisms.Precedence(Mechanism))
        {
            Mechanism = mechanism;
        }
        Events += weight;
        long count = Math.Max(1, ev.Count) * weight;
        switch (mechanism)
        {
            case AttackMechanism.ZeroWindowHold:
                ZeroWindowConnections += count;
                LongestHoldMillis = Math.Max(LongestHoldMillis, ev.Millis);
                BytesPinned += (long)ev.Length * weight;
                Probes += (long)ev.Queue * weight;
                break;
            case AttackMechanism.WindowShrink:
                ShrunkConnections += count;
                BytesInFlightAtShrink += (long)ev.Length * weight;
                LongestHoldMillis = Math.Max(LongestHoldMillis, ev.Millis);
                break;
            case AttackMechanism.SlowReader:
                SlowConnections += count;
                LongestSlowMillis = Math.Max(LongestSlowMillis, ev.Millis);
                BytesRead += (long)ev.Length * weight;
                break;
            default:
                Packets += ev.Count * weight;
                FloodMillis += (long)ev.Millis * weight;
                if (ev.Kind == EventKind.SynRecvFlood)
                {
                    Sources = Math.Max(Sources, ev.Length);
                    Prefixes = Math.Max(Prefixes, ev.Queue);
                    TtlSpread = Math.Max(TtlSpread, ev.Millis2);
                }
                else
                {
                    IcmpType = ev.Queue;
                }
                break;
        }
        See(time, time);
    }

    internal void Merge(AttackTally other)
    {
        if (AttackMechanisms.Precedence(other.Mechanism) > AttackMechanisms.Precedence(Mechanism))
        {
            Mechanism = other.Mechanism;
        }
        Events += other.Events;
        ZeroWindowConnections += other.ZeroWindowConnections;
        LongestHoldMillis = Math.Max(LongestHoldMillis, other.LongestHoldMillis);
        BytesPinned += other.BytesPinned;
        Probes += other.Probes;
        ShrunkConnections += other.ShrunkConnections;
        BytesInFlightAtShrink += other.BytesInFlightAtShrink;
        SlowConnections += other.SlowConnections;
        LongestSlowMillis = Math.Max(LongestSlowMillis, other.LongestSlowMillis);
        BytesRead += other.BytesRead;
        Packets += other.Packets;
        FloodMillis += other.FloodMillis;
        Sources = Math.Max(Sources, other.Sources);
        Prefixes = Math.Max(Prefixes, other.Prefixes);
        TtlSpread = Math.Max(TtlSpread, other.TtlSpread);
        IcmpType = other.IcmpType != 0 ? other.IcmpType : IcmpType;
        See(other.First, other.Last);
    }

    private void See(DateTime first, DateTime last)
    {
        if (first != default && first < First)
        {
            First = first;
        }
        if (last != default && last != DateTime.MinValue && last > Last)
        {
            Last = last;
        }
    }
}
