namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv4.send_redirects`: a server is not a router.</summary>
public sealed class SendRedirectsCheck : OrConfCheck
{
    public override string Id => "ipv4.send_redirects";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Low;
    public override string Title => "This host does not send ICMP redirects";
    public override string Expected => "net.ipv4.conf.{all,default,every interface}.send_redirects=0";
    protected override string Family => "ipv4";
    protected override string Name => "send_redirects";
    protected override long Want => 0;
    protected override string BadDetail => "This host would tell its neighbours to route through someone else if it ever forwarded a packet.";

    public override string Rationale =>
        "Sending redirects is a router's job. On a server it only matters if forwarding is on (containers, VPN), and then " +
        "it leaks topology and lets a misrouted packet rewrite other hosts' routes. It is on when `all` OR the interface " +
        "says 1.";
}
