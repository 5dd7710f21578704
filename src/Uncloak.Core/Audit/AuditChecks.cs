using Uncloak.Core.Audit.Checks;

namespace Uncloak.Core.Audit;

/// <summary>Every audit check, in report order within each group. Adding a check is one line here and one docs/audit.md section.</summary>
public static class AuditChecks
{
    public static IReadOnlyList<AuditCheck> All { get; } =
    [
        new SynCookiesCheck(),
        new BacklogCheck(),
        new SynAckRetriesCheck(),
        new AbortOnOverflowCheck(),
        new RpFilterCheck(),
        new AcceptRedirectsCheck(),
        new Ipv6AcceptRedirectsCheck(),
        new SendRedirectsCheck(),
        new SourceRouteCheck(),
        new LogMartiansCheck(),
        new IcmpBroadcastCheck(),
        new IcmpBogusErrorsCheck(),
        new ConntrackCheck(),
        new OrphansCheck(),
        new TcpMemCheck(),
        new NicDuplexCheck(),
        new NicAutonegCheck(),
        new NicSpeedCheck(),
        new NicErrorsCheck(),
        new NicFlowControlCheck(),
        new NicLinkFlapsCheck(),
        new NicCountersCheck(),
        new QdiscLimitsCheck(),
        new QdiscDropsCheck(),
        new ListenerBacklogCheck(),
        new ZeroWindowMessageCheck(),
        new EntropyCheck(),
    ];

    public static AuditCheck? ById(string id) => All.FirstOrDefault(c => string.Equals(c.Id, id, StringComparison.Ordinal));
}
