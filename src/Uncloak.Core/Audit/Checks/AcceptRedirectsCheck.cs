namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv4.accept_redirects`: a server should not let ICMP redirects rewrite its routes.</summary>
public sealed class AcceptRedirectsCheck : OrConfCheck
{
    public override string Id => "ipv4.accept_redirects";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Medium;
    public override string Title => "ICMP redirects cannot rewrite routes (IPv4)";
    public override string Expected => "net.ipv4.conf.{all,default,every interface}.accept_redirects=0";
    protected override string Family => "ipv4";
    protected override string Name => "accept_redirects";
    protected override long Want => 0;
    protected override string BadDetail => "This host changes its next hop when an ICMP redirect says so.";

    public override string Rationale =>
        "An ICMP redirect tells a host \"for that destination, use this other gateway\". Routers on a LAN use it to fix a " +
        "host's suboptimal route; an attacker on the same segment (or anyone who can spoof the gateway's address) uses it to " +
        "divert or black-hole traffic. A server with a static default route has no use for it. On a host that does not " +
        "forward, the kernel accepts redirects when `all` OR the interface says 1, so all, default and every interface " +
        "must be 0. (secure_redirects=1 only narrows acceptance to redirects that name a current gateway; with " +
        "accept_redirects=0 it no longer matters.)";
}
