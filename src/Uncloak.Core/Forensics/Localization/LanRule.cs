using Uncloak.Core.Events;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>lan</c>: the link is up but the gateway is gone: its neighbour entry FAILED or INCOMPLETE (no ARP/ND answer), or
/// the gateway probe fails. The switch, the VLAN or the router's port, not this host.
/// </summary>
public sealed class LanRule : LayerRule
{
    private static readonly ShaperRule Shaper = new();

    public override Layer Layer => Layer.Lan;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        var probes = e.AllProbes.ToList();
        var gateways = probes.Where(p => p.Vantage == Vantage.Gateway).Select(p => p.Target).ToHashSet(StringComparer.Ordinal);
        foreach (var n in e.Moment?.Neighbours.Where(n => n.Unresolved) ?? [])
        {
            bool gateway = gateways.Contains(n.Address.ToString());
            if (gateway || gateways.Count == 0)
            {
                f.Support(gateway ? 0.6 : 0.25, "neighbour", $"{n.Address} dev {n.Device} {n.State}",
                    gateway
                        ? $"The gateway {n.Address} does not answer ARP/ND on {n.Device}: nothing past the switch port can be reached."
                        : $"{n.Address} does not answer ARP/ND on {n.Device}; if it is the gateway, the LAN is where packets stop.");
            }
        }
        // "no-gateway" is this host's route table without a default route (a link that went down takes its routes with
        // it): nothing was asked of the LAN, so it says nothing about it.
        var failed = probes.Where(p => p.Vantage == Vantage.Gateway && !p.Ok && p.Failure != VantageFailure.NoGateway).ToList();
        if (failed.Count > 0)
        {
            var okAfter = probes.Count(p => p.Vantage == Vantage.Gateway && p.Ok);
            f.Support(0.4, "probe", $"gateway probe failed {failed.Count} time(s) ({failed[0].Target}: {failed[0].Failure}){(okAfter > 0 ? $", passed {okAfter}" : "")}",
                "The host could not reach its own gateway.");
        }
        if (f.Score > 0 && e.Moment?.Links.Any(l => l.Name != "lo" && ((l.AdminUp && !l.Carrier) || (!l.AdminUp && e.LinkBefore(l) is { AdminUp: true }))) == true)
        {
            f.Weaken(0.35, "This host's link was down, which alone explains an unreachable gateway: the NIC comes first.");
        }
        if (f.Score > 0 && e.Kernel is { } kernel)
        {
            // The host's own tables and transmit path fail exactly as a dead LAN looks from inside: the probes are new flows
            // a full conntrack table drops, neighbours a full neighbour table will not resolve, packets a hung NIC never sends.
            if (kernel.Count(EventKind.ConntrackFull) > 0)
            {
                f.Weaken(0.3, "This host's connection tracking table was full: every probe is a new flow it dropped before it left, so failed probes say nothing of the LAN.");
            }
            if (kernel.Count(EventKind.NeighbourOverflow) > 0)
            {
                f.Weaken(0.3, "This host's neighbour table was full: unresolved entries are the kernel refusing to add them, not neighbours that do not answer.");
            }
            if (kernel.Count(EventKind.NetdevWatchdog) + kernel.Count(EventKind.NicHang) > 0)
            {
                f.Weaken(0.35, "This host's NIC reported a transmit hang: the probes never left it, which alone explains an unreachable gateway.");
            }
        }
        if (f.Score > 0 && Shaper.Evaluate(e).Score >= Localizer.Threshold)
        {
            f.Weaken(0.5, "This host's own qdisc was dropping packets at the time: the gateway's probes may have been lost before they left the host.");
        }
    }
}
