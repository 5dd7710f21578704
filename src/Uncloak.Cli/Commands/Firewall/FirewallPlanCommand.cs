using System.CommandLine;
using Uncloak.Cli.Rendering;
using Uncloak.Firewall;
using Uncloak.Firewall.Policy;

namespace Uncloak.Cli.Commands.Firewall;

/// <summary>`uncloak firewall plan`: the exact ruleset, its diff against what is loaded, and the SYN cookie check.</summary>
public static class FirewallPlanCommand
{
    public static Command Create()
    {
        var policy = new PolicyOptions();
        var json = CommonOptions.Json();
        var command = new Command("plan",
            "Render the hardening ruleset and show it exactly as nftables will print it (rendered in a private scratch network " +
            "namespace, so nothing real is touched), the diff against the policy loaded now, and whether SYN cookies are on.\n\n" +
            Uncloak.Core.Rulesets.PolicyRuleset.WhyNoSynRateLimit +
            "\n\nExit codes: 0 plan shown, 1 plan shown but net.ipv4.tcp_syncookies is off, 2 bad option, 3 not root or no nftables.\n\n" +
            "Example:\n  uncloak firewall plan --mgmt 198.51.100.7 --public-iface eth0 --conn-limit 80,443:100")
        {
            json,
        };
        policy.AddTo(command);
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var p = policy.Build(result, error);
            if (p is null)
            {
                return ExitCodes.UsageOrInput;
            }
            int rc = FirewallCommand.Require("plan", error, out var nft);
            if (rc != ExitCodes.Ok)
            {
                return rc;
            }
            using (nft)
            {
                try
                {
                    var plan = new PolicyGuard(nft!, new GuardState(Path.Combine(Path.GetTempPath(), "uncloak-plan-unused"))).MakePlan(p);
                    int? cookies = PolicyOptions.SynCookies();
                    FirewallRenderer.RenderPlan(output, plan, cookies, result.GetValue(json));
                    var warnings = BogonWarnings(p);
                    warnings.ForEach(w => error.WriteLine("uncloak firewall plan: warning: " + w));
                    return cookies == 0 || warnings.Count > 0 ? ExitCodes.Findings : ExitCodes.Ok;
                }
                catch (FirewallException e)
                {
                    error.WriteLine($"uncloak firewall plan: {e.Message}");
                    return ExitCodes.Environment;
                }
            }
        });
        return command;
    }

    /// <summary>Bogon ranges that cover this host's own addresses or gateways (outside the management networks, which are accepted first).</summary>
    internal static List<string> BogonWarnings(Uncloak.Core.Rulesets.FirewallPolicy p)
    {
        if (p.PublicInterface is null || p.Bogons.Count == 0)
        {
            return [];
        }
        var host = Uncloak.Firewall.Host.HostFacts.Read(Uncloak.Linux.Sockets.HostAddresses.Read(), []);
        bool Managed(Uncloak.Core.Events.NetAddress a) => p.Management.Any(m => m.Contains(a));
        return Uncloak.Core.Rulesets.BogonOverlap.Warnings(p.Bogons, [.. host.OwnAddresses.Where(a => !Managed(a))], [.. host.Gateways.Where(a => !Managed(a))]);
    }
}
