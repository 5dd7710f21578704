using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>The kernel's shared net_ratelimit budget hid messages: every count is a floor.</summary>
public sealed class SuppressionRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        if (r.SuppressedMessages > 0)
        {
            findings.Add(new Finding("ratelimit", Severity.Notice, "Kernel suppressed network messages",
                $"The kernel's shared net_ratelimit budget hid {N(r.SuppressedMessages)} network message(s): every count in this report is a lower bound, and a flood of one family can hide another's lines.")
            {
                Advice = ["Use the counters (`uncloak counters`) for true numbers."],
            });
        }
    }
}
