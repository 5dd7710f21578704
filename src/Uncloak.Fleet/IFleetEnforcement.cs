using Uncloak.Core.Decisions;
using Uncloak.Fleet.Decisions;

namespace Uncloak.Fleet;

/// <summary>
/// How received bans take effect on this host: through its own safety rules (own addresses, gateways, SSH clients,
/// allowlist, the received-ban rate cap) and its own store and kernel set, stored with origin <c>fleet:&lt;host&gt;</c>.
/// The daemon supplies it; the fleet knows nothing of firewalls.
/// </summary>
public interface IFleetEnforcement
{
    /// <summary>Applies <paramref name="bans"/> in one batch; returns, in order, true for each put in force and false for each refused (the refusal is stored).</summary>
    IReadOnlyList<bool> Ban(IReadOnlyList<FleetBan> bans);

    /// <summary>Lifts the ban on <paramref name="ban"/>'s target that came from its host; bans of the same target from other origins stay. Returns true when one was lifted.</summary>
    bool Revoke(FleetBan ban);

    /// <summary>Bans in force in the store now (the inbox is seeded with the fleet's among them).</summary>
    IReadOnlyList<Decision> InForce();
}
