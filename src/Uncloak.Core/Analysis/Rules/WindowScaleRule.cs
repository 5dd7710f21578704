using Uncloak.Core.Events;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>
/// SYNs that asked for a window scale over 14: a sign of crafted packets or a broken path, never an outage by itself
/// (the kernel clamps the value), so an Info finding that keeps the admin from chasing it.
/// </summary>
public sealed class WindowScaleRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long lines = r.Counts[EventKind.IllegalWindowScale];
        if (lines == 0)
        {
            return;
        }
        long syn = r.Counts[EventKind.SynFlood], firewall = r.Counts[EventKind.FirewallLog];
        var evidence = new List<string> { $"{N(lines)} \"Illegal window scaling value\" line(s) between {Span(r, EventKind.IllegalWindowScale)}." };
        if (syn + firewall > 0)
        {
            evidence.Add($"In the same logs: {N(syn)} SYN-flood and {N(firewall)} firewall LOG line(s) — if they overlap in time, the odd SYNs are likely part of that traffic.");
        }
        findings.Add(new Finding("illegal_window_scale", Severity.Info, "SYNs with an illegal window scale",
            $"{N(lines)} line(s): peers sent SYNs asking for a window scale over 14 (RFC 7323's maximum). The kernel used 14 and the connections went on: harmless by itself, typical of scanners' crafted probes or a middlebox mangling TCP options.")
        {
            Evidence = evidence,
            Reasoning =
            [
                "The option is read from the SYN, before any connection exists; the kernel clamps the shift and logs it (ratelimited, so the count is a lower bound). No packet is dropped and no connection fails because of it, so it cannot explain an outage.",
                "The line names no peer: which addresses send such SYNs is only visible on the wire.",
            ],
            Advice =
            [
                "To see who: `tcpdump -nni any 'tcp[tcpflags] & tcp-syn != 0' -vv` and look for `wscale 15` or more; a few addresses probing many ports is a scan, a whole client population behind one network is a middlebox on their path.",
                "Nothing to tune for the line itself; do not turn off net.ipv4.tcp_window_scaling for it.",
            ],
        });
    }
}
