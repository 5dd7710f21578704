using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// The attacks in the evidence, one <see cref="AttackTally"/> per attacker, target and mechanism: what the report
/// names. Connection-holding events of one attacker on one port are one attack whatever mechanism each shows. Memory
/// is bounded by <see cref="MaxAttacks"/>; events of attacks beyond it are counted, not tallied.
/// </summary>
public sealed class AttackTallies
{
    /// <summary>Attacks tallied at most; thousands of distinct attackers are a botnet the other findings describe better.</summary>
    public const int MaxAttacks = 4096;

    private readonly Dictionary<(bool Holds, AttackMechanism Mechanism, NetAddress Attacker, int Length, NetAddress Target, ushort Port), AttackTally> _tallies = [];

    /// <summary>Attack events not tallied because <see cref="MaxAttacks"/> attacks were already tallied.</summary>
    public long Untallied { get; private set; }

    public int Count => _tallies.Count;

    /// <summary>Tallies <paramref name="ev"/> if it shows an attack; other events are ignored.</summary>
    public void Add(in NetEvent ev, DateTime time, long weight)
    {
        if (AttackMechanisms.Of(ev) is not { } mechanism)
        {
            return;
        }
        int length = ev.PeerPrefixLength == (ev.Peer.IsV6 ? 128 : 32) ? 0 : ev.PeerPrefixLength;
        var key = AttackMechanisms.HoldsConnections(mechanism)
            // Socket snapshots name no local address: holding attacks are keyed by the port alone, so wire and
            // socket-table evidence of one attack meet.
            ? (true, AttackMechanism.ZeroWindowHold, ev.Peer, 0, NetAddress.None, ev.LocalPort)
            : (false, mechanism, ev.Peer, length, ev.Local, ev.LocalPort);
        if (!_tallies.TryGetValue(key, out var tally))
        {
            if (_tallies.Count >= MaxAttacks)
            {
                Untallied += weight;
                return;
            }
            tally = new AttackTally(mechanism, ev.Peer, length, key.Item5.IsNone ? ev.Local : key.Item5, ev.LocalPort);
            _tallies.Add(key, tally);
        }
        tally.Add(ev, mechanism, time, weight);
    }

    /// <summary>Takes in what a parallel reader's tallies hold.</summary>
    public void Merge(AttackTallies other)
    {
        foreach (var (key, tally) in other._tallies)
        {
            if (_tallies.TryGetValue(key, out var mine))
            {
                mine.Merge(tally);
            }
            else if (_tallies.Count < MaxAttacks)
            {
                _tallies.Add(key, tally);
            }
            else
            {
                Untallied += tally.Events;
            }
        }
        Untallied += other.Untallied;
    }

    /// <summary>The attacks, first seen first (ties by attacker, then port), so a report reads as the incident unfolded.</summary>
    public IReadOnlyList<AttackTally> Ordered()
        => [.. _tallies.Values.OrderBy(t => t.First).ThenBy(t => t.Attacker).ThenBy(t => t.LocalPort).ThenBy(t => t.Mechanism)];
}
