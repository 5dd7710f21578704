namespace Uncloak.Core.Audit.Checks;

/// <summary>`ipv4.rp_filter`: reverse-path filtering on every interface (the effective value is max(all, interface)).</summary>
public sealed class RpFilterCheck : AuditCheck
{
    public override string Id => "ipv4.rp_filter";
    public override AuditGroup Group => AuditGroup.Routing;
    public override Severity Severity => Severity.Medium;
    public override string Title => "Reverse-path filter drops spoofed sources";
    public override string Expected => "max(net.ipv4.conf.all.rp_filter, interface value) = 1 (strict), or 2 (loose) on a multi-homed host";

    public override string Rationale =>
        "rp_filter makes the kernel ask, for every packet arriving on an interface, whether it would route a reply to the " +
        "packet's source back out of that same interface (1, strict) or out of any interface (2, loose). Packets that fail " +
        "are dropped (IPReversePathFilter) and, with log_martians on, logged as \"martian source\". Off (0) lets packets with " +
        "spoofed source addresses of your own networks in, which feeds reflection attacks and confuses per-source defences. " +
        "The value that applies is the larger of net.ipv4.conf.all.rp_filter and the interface's own, so setting `all` to 1 " +
        "never weakens an interface that has 2. Use 2 instead of 1 if this host has more than one uplink or asymmetric routes, " +
        "or strict filtering will drop legitimate replies.";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var conf = InterfaceConf.Read(snapshot, "ipv4", "rp_filter");
        if (!conf.Present)
        {
            yield return Skip("net.ipv4.conf.*.rp_filter is not readable.");
            yield break;
        }
        long all = conf.All ?? 0;
        if (conf.Interfaces.Count == 0)
        {
            yield return Skip("no network interface other than loopback.");
            yield break;
        }
        foreach (var (iface, value) in conf.Interfaces)
        {
            long effective = Math.Max(all, value);
            string observed = $"effective {effective} (all={all}, {iface}={value})";
            if (effective is 1 or 2)
            {
                yield return Pass(observed, iface, effective == 2 ? "Loose mode: only sources with no route at all are dropped." : null);
            }
            else
            {
                yield return NotMet(observed, Fix.Sysctl(
                        new SysctlChange(InterfaceConf.Key("ipv4", "all", "rp_filter"), "1"),
                        new SysctlChange(InterfaceConf.Key("ipv4", "default", "rp_filter"), "1")),
                    iface,
                    effective == 0
                        ? $"Packets on {iface} are accepted whatever their source address claims. If {iface} is one of several uplinks, use 2 instead of 1."
                        : $"{effective} is not a documented value (0, 1, 2).");
            }
        }
    }
}
