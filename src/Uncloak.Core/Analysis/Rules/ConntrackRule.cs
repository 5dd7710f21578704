using Uncloak.Core.Events;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>A full connection-tracking table drops every new flow: indistinguishable from the site being down.</summary>
public sealed class ConntrackRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long conntrack = r.Counts[EventKind.ConntrackFull];
        if (conntrack == 0)
        {
            return;
        }
        findings.Add(new Finding("conntrack_full", Severity.Critical, "Connection-tracking table full",
            $"Netfilter dropped new flows {N(conntrack)} time(s) (each line can stand for many drops: the message is ratelimited). While it lasts, every new connection fails — indistinguishable from the site being down.")
        {
            Evidence = [$"{N(conntrack)} \"table full, dropping packet\" line(s) between {Span(r, EventKind.ConntrackFull)}."],
            Reasoning =
            [
                "A full table drops the first packet of every new flow, in and out; established connections keep working, which is why it looks like a partial outage.",
                "The table is this host's (every flow it tracks: its own, its containers', and all it forwards or NATs), so the fault is here, not upstream: probes and connections this host starts fail too, which can look like the network beyond it is gone.",
            ],
            Advice =
            [
                "To confirm and find what filled it: net.netfilter.nf_conntrack_count against nf_conntrack_max, `conntrack -S` (drop and insert_failed growing), and `conntrack -L` counted by source and by state — one source holding most entries is a scan or a connection leak (often from this host itself, its containers or the clients behind its NAT), many entries in one state (SYN_SENT, TIME_WAIT, UNREPLIED UDP) a timeout too long for the traffic.",
                "Raise net.netfilter.nf_conntrack_max (≥2× peak) and nf_conntrack_buckets; lower nf_conntrack_tcp_timeout_established; `notrack` the web ports if no stateful rule needs them.",
            ],
            Headline = "the conntrack table overflowed and new connections were dropped",
        });
    }
}
