namespace Uncloak.Core.Audit.Checks;

/// <summary>`icmp.ignore_bogus_error_responses`: drop bogus ICMP errors silently.</summary>
public sealed class IcmpBogusErrorsCheck : SysctlCheck
{
    public override string Id => "icmp.ignore_bogus_error_responses";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Low;
    public override string Title => "Bogus ICMP errors are dropped silently";
    public override string Expected => "net.ipv4.icmp_ignore_bogus_error_responses=1";
    protected override string Key => "net.ipv4.icmp_ignore_bogus_error_responses";
    protected override long FixValue => 1;

    public override string Rationale =>
        "Some routers answer broadcast frames with ICMP errors that violate RFC 1122. With 1 (the default) the kernel drops " +
        "them without a word; with 0 it logs a warning for each, which an attacker can use to fill the log and use up the " +
        "shared net_ratelimit budget that the messages you care about (SYN flood, conntrack full) also need.";

    protected override bool IsOk(long value) => value == 1;

    protected override string? DetailFor(long value) => "Bogus ICMP error responses are logged, spending the shared kernel log budget.";
}
