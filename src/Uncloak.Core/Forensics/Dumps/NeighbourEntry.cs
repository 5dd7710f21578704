using Uncloak.Core.Events;

namespace Uncloak.Core.Forensics.Dumps;

/// <summary>One line of <c>ip neigh</c>: a neighbour's address, interface, link address and NUD state.</summary>
/// <remarks>State is the NUD state as ip prints it: REACHABLE, STALE, DELAY, PROBE, FAILED, INCOMPLETE, PERMANENT, NOARP, NONE.</remarks>
public sealed record NeighbourEntry(NetAddress Address, string Device, string LinkAddress, string State)
{
    /// <summary>The kernel gave up resolving it (FAILED) or is still trying without an answer (INCOMPLETE).</summary>
    public bool Unresolved => State is "FAILED" or "INCOMPLETE";
}
