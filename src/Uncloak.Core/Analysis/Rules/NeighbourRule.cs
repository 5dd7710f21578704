using Uncloak.Core.Events;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>A full neighbour (ARP/NDP) table drops packets to new on-link hosts.</summary>
public sealed class NeighbourRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long neigh = r.Counts[EventKind.NeighbourOverflow];
        if (neigh > 0)
        {
            findings.Add(new Finding("neighbour_overflow", Severity.Warning, "Neighbour table overflow",
                $"{N(neigh)} line(s): this host's own ARP/NDP table was full, so packets to on-link hosts it had no entry for were dropped. Raise net.ipv4.neigh.default.gc_thresh1/2/3 on large segments.")
            {
                Evidence = [$"{N(neigh)} \"neighbor table overflow\" line(s) between {Span(r, EventKind.NeighbourOverflow)}."],
                Reasoning =
                [
                    "The table holds one entry per neighbour on every interface — each host of a large L2 segment, each container or VM veth, each address a scan or a misrouted prefix makes the host resolve — and refuses new ones at gc_thresh3 (1024 by default). The fault is the host's table size, not the LAN: the neighbours would answer if asked.",
                    "arp_cache is IPv4, ndisc_cache IPv6; the limit is one per kernel, shared by every network namespace.",
                ],
                Advice =
                [
                    "To confirm: `ip -4 neigh show nud all | wc -l` (and `ip -6 …`) against net.ipv4.neigh.default.gc_thresh3; `ip neigh show nud all | awk '{print $3}' | sort | uniq -c` shows which device holds them, and many INCOMPLETE/FAILED entries mean addresses nobody answers for (a scan or a wrong route).",
                    "Raise gc_thresh3 above the number of neighbours the host really has (gc_thresh2 somewhat below it), for IPv6 too; if the entries are FAILED, find what makes the host resolve them.",
                ],
                Headline = "this host's neighbour (ARP/NDP) table overflowed and packets to on-link hosts were dropped",
            });
        }
    }
}
