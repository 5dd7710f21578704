using Uncloak.Core.Decisions;
using Uncloak.Core.Events;

namespace Uncloak.Core.Rulesets;

/// <summary>
/// The bogon filter drops sources in private and reserved ranges arriving on the public interface. On a cloud VM whose
/// own address or gateway is private, that drops its own load balancer's health checks and its gateway's traffic:
/// <c>firewall plan</c> warns before such a policy is applied (issue 16). Loopback is never on the public interface and is
/// not reported.
/// </summary>
public static class BogonOverlap
{
    /// <summary>One warning per own address or gateway that a bogon covers, naming both.</summary>
    public static List<string> Warnings(IReadOnlyList<BanTarget> bogons, IReadOnlyList<NetAddress> ownAddresses, IReadOnlyList<NetAddress> gateways)
    {
        var warnings = new List<string>();
        void Check(NetAddress a, string what)
        {
            if (a.IsLoopback)
            {
                return;
            }
            foreach (var b in bogons)
            {
                if (b.Contains(a))
                {
                    warnings.Add($"the bogon range {b} covers {what} {a}: traffic from that network (a cloud load balancer's health checks, " +
                        "the gateway's own packets) arriving on the public interface would be dropped; remove the range from the bogon list " +
                        "or add the network to --mgmt");
                    return;
                }
            }
        }
        foreach (var a in ownAddresses.Distinct())
        {
            Check(a, "this host's address");
        }
        foreach (var g in gateways.Distinct())
        {
            Check(g, "the gateway");
        }
        return warnings;
    }
}
