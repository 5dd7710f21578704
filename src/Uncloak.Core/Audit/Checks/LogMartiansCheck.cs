namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv4.log_martians`: log packets with impossible source addresses.</summary>
public sealed class LogMartiansCheck : OrConfCheck
{
    public override string Id => "ipv4.log_martians";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Low;
    public override string Title => "Martian packets are logged";
    public override string Expected => "net.ipv4.conf.all.log_martians=1 (0 if the log is flooded)";
    protected override string Family => "ipv4";
    protected override string Name => "log_martians";
    protected override long Want => 1;
    protected override string BadDetail => "Spoofed and misrouted packets (and rp_filter drops) are dropped without a trace.";

    public override string Rationale =>
        "With log_martians on, packets with impossible source addresses (loopback, multicast, 0.0.0.0, your own address) " +
        "and packets that fail rp_filter are logged as \"IPv4: martian source D from S, on dev X\" (the bad address is the " +
        "second one). That is how you see spoofing and routing asymmetry at all; `uncloak explain` decodes the lines. The " +
        "messages are rate-limited, but they share the global net_ratelimit budget (10 per 5 s) with the SYN-flood and " +
        "conntrack messages, so if a noisy network floods the log with martians, turn it back off and watch the " +
        "IPReversePathFilter counter instead.";
}
