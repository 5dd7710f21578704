using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class RateLimitMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.RateLimitSuppressed,
        Title = "Network messages suppressed by the rate limiter (\"net_ratelimit: N callbacks suppressed\")",
        Summary = "The kernel's single shared budget for network messages hid N of them: every count from the log is a lower bound.",
        WhatTheKernelSaw =
            "All net_*_ratelimited() messages share one limiter (net.core.message_burst=10 per net.core.message_cost=5 s). " +
            "When it lets one through after suppressing others, it reports how many it dropped — of ALL network families, not " +
            "one. A flood of martian or firewall lines can therefore hide a SYN-flood or conntrack message.",
        Fields = [new("N", "How many network messages were not printed.")],
        LikelyCauses = ["A burst of any ratelimited network message (martians, conntrack full, LOG rules, debug prints)."],
        Checks = ["Which families surround it; the counters give the true numbers (`uncloak counters`)."],
        Actions = ["Treat counts from the log as minimums; raise net.core.message_burst temporarily when investigating."],
        Printing = "Printed by default at KERN_WARNING. Old kernels: \"printk: N messages suppressed.\"",
        KernelSource = "lib/ratelimit.c, ___ratelimit()",
        Examples = ["net_ratelimit: 2381 callbacks suppressed", "printk: 7277 messages suppressed."],
    };
}
