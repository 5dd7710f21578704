using Uncloak.Core.Events;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>TCP memory or orphan limits: the kernel reset connections to save memory.</summary>
public sealed class TcpMemoryRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long oom = r.Counts[EventKind.TcpOutOfMemory], orphans = r.Counts[EventKind.TooManyOrphans];
        if (oom + orphans == 0)
        {
            return;
        }
        findings.Add(new Finding("tcp_memory", Severity.Warning, "TCP memory or orphan limits hit",
            $"The kernel reset connections to save memory ({N(oom)} out-of-memory, {N(orphans)} too-many-orphans line(s)).")
        {
            Reasoning =
            [
                "TCP memory is one pool for the whole host: whichever sockets hold it — one process keeping large or leaked buffers, closed sockets still draining (orphans), or peers that do not read (zero-window holders, slow readers) — every connection of every service is refused memory once it passes tcp_mem[2] or tcp_max_orphans.",
                r.Counts[EventKind.Treason] > 0 ? "This log also shows window-shrinking peers: stuck connections are a plausible source of the memory." : "No window-shrinking lines here, so nothing in the log points at peers; the socket table says who holds the memory.",
                .. oom > 0 && orphans == 0
                    ? (string[])["Kernels before 3.2 printed the same \"Out of socket memory\" for both limits — too many orphans or tcp_mem exceeded — so the line alone does not say which one was hit."]
                    : [],
            ],
            Advice =
            [
                "To confirm which limit and who: /proc/net/sockstat — its TCP \"orphan\" count against net.ipv4.tcp_max_orphans (under pressure each orphan counts 2–4×) and its \"mem\" (pages) against tcp_mem[2]; `ss -tmp` shows each socket's buffers (skmem) and its process, so the one holding most is found.",
                "Fix the holder first (a leaking or buffering process, a peer that does not read: `uncloak sockets --once`); lower tcp_orphan_retries and tcp_fin_timeout for orphans; raise tcp_mem[2] or tcp_max_orphans only if RAM is really free.",
            ],
            Headline = "TCP ran out of memory or orphan slots and reset connections",
        });
    }
}
