using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>Martian packets: spoofing or asymmetric routing.</summary>
public sealed class MartianRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long n = r.Counts[EventKind.Martian];
        if (n > 0)
        {
            findings.Add(new Finding("martian", Severity.Info, "Martian packets",
                $"{N(n)} packet(s) with impossible addresses were dropped (spoofing, or asymmetric routing with rp_filter=1). Remember the kernel prints the destination first and the bad source second."));
        }
    }
}
