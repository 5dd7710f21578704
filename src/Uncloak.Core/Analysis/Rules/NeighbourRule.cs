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
                $"{N(neigh)} line(s): packets to new on-link hosts were dropped. Raise net.ipv4.neigh.default.gc_thresh1/2/3 on large segments."));
        }
    }
}
