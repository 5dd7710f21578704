namespace Uncloak.Core.Audit.Checks;

/// <summary>`icmp.echo_ignore_broadcasts`: do not take part in smurf amplification.</summary>
public sealed class IcmpBroadcastCheck : SysctlCheck
{
    public override string Id => "icmp.echo_ignore_broadcasts";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Medium;
    public override string Title => "Broadcast pings are ignored";
    public override string Expected => "net.ipv4.icmp_echo_ignore_broadcasts=1";
    protected override string Key => "net.ipv4.icmp_echo_ignore_broadcasts";
    protected override long FixValue => 1;

    public override string Rationale =>
        "A ping sent to a broadcast or multicast address with a spoofed source makes every host that answers send its reply " +
        "to the victim (a \"smurf\" amplification). Ignoring broadcast echo requests (1, the default) takes this host out of " +
        "such attacks and costs nothing.";

    protected override bool IsOk(long value) => value == 1;

    protected override string? DetailFor(long value) => "This host answers pings sent to broadcast addresses and can be used as a smurf amplifier.";
}
