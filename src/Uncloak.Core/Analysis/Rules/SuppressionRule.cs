using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>
/// A rate limiter hid messages: net_ratelimit's make every count a floor; the old kernel-wide limiter's (<c>__ratelimit:</c>,
/// <c>printk:</c>) may or may not have been network messages, so they are said apart, never added to the network count.
/// </summary>
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
        if (r.SuppressedAnyMessages > 0)
        {
            findings.Add(new Finding("ratelimit_any", Severity.Notice, "Kernel suppressed ratelimited messages of any subsystem",
                $"The kernel's one rate limiter for every ratelimited message (\"__ratelimit:\"/\"printk: … suppressed\", kernels up to 2.6.31) hid {N(r.SuppressedAnyMessages)} message(s) of network, storage, security or other subsystems: counts in this report may be lower bounds, by at most that many.")
            {
                Advice = ["Look at which messages surround the lines; use the counters (`uncloak counters`) for true network numbers."],
            });
        }
    }
}
