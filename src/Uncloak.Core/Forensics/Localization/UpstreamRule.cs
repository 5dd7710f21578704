using Uncloak.Core.Events;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>upstream</c>: the gateway answers, but targets beyond it (or the fleet's other hosts) do not, while the host's own
/// probe of its service passes: the fault is in the provider's network.
/// </summary>
public sealed class UpstreamRule : LayerRule
{
    public override Layer Layer => Layer.Upstream;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        var probes = e.AllProbes.ToList();
        bool gatewayOk = probes.Any(p => p.Vantage == Vantage.Gateway && p.Ok) && !probes.Any(p => p.Vantage == Vantage.Gateway && !p.Ok);
        bool gatewayFailed = probes.Any(p => p.Vantage == Vantage.Gateway && !p.Ok);
        var upstream = probes.Where(p => p.Vantage == Vantage.Upstream && !p.Ok).ToList();
        var remote = probes.Where(p => p.Vantage == Vantage.Remote && !p.Ok).ToList();
        if (upstream.Count > 0)
        {
            var targets = string.Join(", ", upstream.Select(p => $"{p.Target} {p.Failure}").Distinct().Take(4));
            f.Support(gatewayOk ? 0.7 : gatewayFailed ? 0.1 : 0.2, "probe", $"upstream probes failed {upstream.Count} time(s): {targets}{(gatewayOk ? "; the gateway answered every probe" : gatewayFailed ? "; the gateway failed too" : "")}",
                gatewayOk
                    ? "The gateway answered but nothing beyond it did: packets leave this LAN and are lost in the provider's network."
                    : gatewayFailed
                        ? "Targets beyond the gateway did not answer, but neither did the gateway, which alone explains it: this says little of the network beyond."
                        : "Targets beyond the gateway did not answer; the gateway's own state is not known, so the LAN is not ruled out.");
        }
        if (remote.Count > 0)
        {
            f.Support(0.3, "probe", $"{remote.Count} probe(s) from other hosts failed ({remote[0].Target}: {remote[0].Failure})",
                "Other vantage points could not reach this host.");
        }
        if (f.Score > 0 && e.Kernel?.Count(EventKind.ConntrackFull) > 0)
        {
            f.Weaken(0.3, "This host's connection tracking table was full: probes to targets beyond the gateway are new flows it dropped itself, so their failure does not put the fault upstream.");
        }
        bool selfOk = probes.Any(p => p.Vantage == Vantage.Self && p.Ok);
        if (f.Score > 0 && selfOk)
        {
            f.Support(0.1, "probe", "the host's own probe of its service passed", "The service itself answered, so the host side works.");
        }
    }
}
