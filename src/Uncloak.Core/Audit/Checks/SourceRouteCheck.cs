namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv4.accept_source_route`: source-routed packets are refused (on if `all` AND the interface say 1).</summary>
public sealed class SourceRouteCheck : AuditCheck
{
    public override string Id => "ipv4.accept_source_route";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Medium;
    public override string Title => "Source-routed packets are refused";
    public override string Expected => "net.ipv4.conf.all.accept_source_route=0 and default=0";

    public override string Rationale =>
        "A source-routed packet carries its own route (the LSRR/SSRR IP options) and asks every hop to follow it, which " +
        "lets a sender steer replies around filters and pass as a trusted address. Nothing legitimate on the internet uses " +
        "it. The kernel honours it only when `all` AND the interface say 1, so all=0 is enough today; default=0 keeps " +
        "interfaces created later (and any tool that copies default) safe too. Many kernels ship default=1 for hosts, so a " +
        "host with all=1 is one write away from accepting it.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var conf = InterfaceConf.Read(snapshot, "ipv4", "accept_source_route");
        if (conf.All is not { } all)
        {
            yield return Skip("net.ipv4.conf.all.accept_source_route is not readable.");
            yield break;
        }
        string observed = conf.Describe("ipv4", "accept_source_route");
        var changes = new List<SysctlChange>();
        if (all != 0)
        {
            changes.Add(new SysctlChange(InterfaceConf.Key("ipv4", "all", "accept_source_route"), "0"));
        }
        if (conf.Default is { } d && d != 0)
        {
            changes.Add(new SysctlChange(InterfaceConf.Key("ipv4", "default", "accept_source_route"), "0"));
        }
        if (changes.Count == 0)
        {
            yield return Pass(observed);
        }
        else if (all != 0)
        {
            var on = conf.Interfaces.Where(i => i.Value != 0).Select(i => i.Interface).ToList();
            yield return NotMet(observed, new Fix { Sysctls = changes },
                detail: on.Count > 0 ? $"Source-routed packets are accepted on {string.Join(", ", on)}." : "all=1: any interface set to 1 would accept source-routed packets.");
        }
        else
        {
            // all=0 already blocks it everywhere: default=1 is a latent risk, worth a warning, not a failure.
            yield return Warn(observed, new Fix { Sysctls = changes },
                detail: "Refused today because all=0; default=1 only matters if all is ever set to 1.");
        }
    }
}
