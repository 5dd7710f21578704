using Uncloak.Core.Events;

namespace Uncloak.Core.Routing;

/// <summary>One neighbour (ARP/NDP) entry of an rtnetlink dump: address, interface index and NUD state bits.</summary>
public readonly record struct NeighbourRecord(NetAddress Address, int Interface, ushort State)
{
    /// <summary>The state as <c>ip neigh</c> prints it (REACHABLE, STALE, FAILED, INCOMPLETE…).</summary>
    public string StateName => NeighbourStates.Name(State);

    /// <summary>The kernel gave up resolving it (FAILED) or is still asking without an answer (INCOMPLETE).</summary>
    public bool Unresolved => (State & (NeighbourStates.NUD_FAILED | NeighbourStates.NUD_INCOMPLETE)) != 0;
}
