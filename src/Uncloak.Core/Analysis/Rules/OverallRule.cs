using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>The verdict on top: the worst findings' headlines, and whether the shrunk-window lines are only noise.</summary>
public sealed class OverallRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        if (findings.Count == 0)
        {
            findings.Add(new Finding("overall", Severity.Info, "Verdict",
                r.Lines == 0 ? "No lines were read." : "No network trouble of any known family in these logs."));
            return;
        }
        // Worst first; among equals, the NIC (real downtime) before the rest.
        var worst = findings.Where(f => f.Severity >= Severity.Warning).OrderByDescending(f => f.Severity).ThenBy(f => f.Id.StartsWith("nic.", StringComparison.Ordinal) ? 0 : 1).ToList();
        var noise = findings.FirstOrDefault(f => f.Id == "treason" && f.Severity == Severity.Info);
        var parts = new List<string>();
        if (worst.Count > 0)
        {
            var heads = worst.Take(3).Select(f => f.Headline ?? f.Title).ToList();
            parts.Add("Most likely to hurt availability: " + string.Join("; and ", heads) + ".");
        }
        if (noise is not null)
        {
            parts.Add("The treason / shrunk-window lines are background noise, not the cause.");
        }
        if (parts.Count == 0)
        {
            parts.Add("Nothing here is likely to take the site down by itself; see the findings below.");
        }
        findings.Insert(0, new Finding("overall", worst.Count > 0 ? worst[0].Severity : Severity.Info, "Verdict", string.Join(" ", parts)));
    }
}
