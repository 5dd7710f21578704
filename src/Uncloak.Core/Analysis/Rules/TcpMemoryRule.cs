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
                "Sockets with unsent data to peers that do not read (zero-window holders, slow readers) hold buffer memory; enough of them push TCP past tcp_mem or tcp_max_orphans.",
                r.Counts[EventKind.Treason] > 0 ? "This log also shows window-shrinking peers: stuck connections are a plausible source of the memory." : "No window-shrinking lines here; check the live socket table for zero-window holders.",
            ],
            Advice = ["Find connections holding memory (`uncloak sockets --once`); lower tcp_orphan_retries and tcp_fin_timeout; raise tcp_mem[2] only if RAM is really free."],
            Headline = "TCP ran out of memory or orphan slots and reset connections",
        });
    }
}
