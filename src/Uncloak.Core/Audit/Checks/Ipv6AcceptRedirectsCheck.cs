namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv6.accept_redirects`: the same for IPv6 (NDISC redirects).</summary>
public sealed class Ipv6AcceptRedirectsCheck : OrConfCheck
{
    public override string Id => "ipv6.accept_redirects";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Medium;
    public override string Title => "ICMPv6 redirects cannot rewrite routes";
    public override string Expected => "net.ipv6.conf.{all,default,every interface}.accept_redirects=0";
    protected override string Family => "ipv6";
    protected override string Name => "accept_redirects";
    protected override long Want => 0;
    protected override string BadDetail => "This host changes its IPv6 next hop when an ICMPv6 redirect says so.";

    public override string Rationale =>
        "IPv6 has its own redirects (Neighbour Discovery type 137) with the same risk as IPv4's: anyone on the link who can " +
        "pass as the router can divert this host's traffic. IPv6 judges a redirect by the receiving interface's own setting, " +
        "and writing `all` does not reliably change interfaces that already exist, so the fix sets all, default and each " +
        "interface explicitly.";
}
