using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class RateLimitMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.RateLimitSuppressed,
        Title = "Kernel messages suppressed by the rate limiter (\"net_ratelimit: N callbacks suppressed\", \"__ratelimit: …\")",
        Summary = "A rate limiter hid N kernel messages: with net_ratelimit, N network messages, so every count from the log is a " +
            "lower bound; with the older __ratelimit/printk wording, N messages of any subsystem, some of which may be network ones.",
        WhatTheKernelSaw =
            "Since 2.6.32 every limiter names its caller, and all net_*_ratelimited() messages share one of them " +
            "(net.core.message_burst=10 per net.core.message_cost=5 s): \"net_ratelimit: N callbacks suppressed\" counts " +
            "network messages of ALL families, not one, so a flood of martian or firewall lines can hide a SYN-flood or " +
            "conntrack message. Older kernels printed one wording for every ratelimited printk, whatever the subsystem " +
            "(network, block I/O, filesystems, AppArmor…): \"__ratelimit: N callbacks suppressed\" (2.6.27–2.6.31, the limiter " +
            "printed its own function name), \"__ratelimit: N messages suppressed\" (2.6.25–2.6.26) and \"printk: N messages " +
            "suppressed.\" (up to 2.6.24, one budget that net_ratelimit() shared with printk_ratelimit()). Those counts are " +
            "not network suppression: some, all or none of the hidden lines may have been network messages.",
        Fields =
        [
            new("N", "How many messages were not printed."),
            new("limiter", "net_ratelimit (network messages only), __ratelimit or printk (every ratelimited kernel message of the era)."),
        ],
        LikelyCauses =
        [
            "A burst of any ratelimited network message (martians, conntrack full, LOG rules, debug prints).",
            "Old kernels (__ratelimit/printk wording): a burst of any ratelimited message, e.g. I/O errors or AppArmor denials.",
        ],
        Checks = ["Which families surround it; the counters give the true numbers (`uncloak counters`)."],
        Actions = ["Treat counts from the log as minimums; raise net.core.message_burst temporarily when investigating."],
        Printing = "Printed by default at KERN_WARNING. A driver's own limiter names its function instead " +
            "(\"ixgbe_xmit_frame: 3 callbacks suppressed\"): that is not the network budget and Uncloak does not count it.",
        KernelSource = "lib/ratelimit.c, ___ratelimit() (2.6.25–2.6.31: __ratelimit(); up to 2.6.24: kernel/printk.c, __printk_ratelimit())",
        Examples =
        [
            "net_ratelimit: 2381 callbacks suppressed",
            "__ratelimit: 33 callbacks suppressed",
            "printk: 7277 messages suppressed.",
        ],
    };
}
