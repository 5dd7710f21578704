using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>SYN-queue overflows per listener, and whether SYN cookies absorbed them.</summary>
public sealed class SynFloodRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        if (r.SynFloodListeners.Count == 0)
        {
            return;
        }
        long drops = r.SynFloodListeners.Values.Sum(v => v.Drops);
        var evidence = r.SynFloodListeners.OrderBy(l => l.Key, StringComparer.Ordinal)
            .Select(l => $"{l.Key}: {N(l.Value.Cookies)} line(s) \"Sending cookies\", {N(l.Value.Drops)} \"Dropping request\"").ToList();
        var reasoning = new List<string>
        {
            "The kernel prints this once per listening socket for its whole life; one line can stand for hours of flood. The counters TCPReqQFullDoCookies/TCPReqQFullDrop give the size.",
            "The message names no attacker: SYN floods usually come from forged addresses, so banning sources is pointless.",
        };
        var advice = new List<string> { "Keep net.ipv4.tcp_syncookies=1; raise the listen backlog and net.core.somaxconn.", "Do not add a SYN rate limit: it drops legitimate clients together with the flood." };
        Finding finding = drops > 0
            ? new("syn_flood", Severity.Critical, "SYN flood with SYN cookies OFF",
                "Listeners overflowed while tcp_syncookies was 0: the kernel dropped SYNs, legitimate clients included. This alone can take a site down.")
            {
                Headline = "a SYN flood met SYN cookies switched off, so legitimate SYNs were dropped",
            }
            : new("syn_flood", Severity.Notice, "SYN queue overflow absorbed by SYN cookies",
                "Listeners overflowed and the kernel answered with SYN cookies: clients kept connecting. Harmless unless the accept queue (not logged) was also full.");
        findings.Add(finding with { Evidence = evidence, Reasoning = reasoning, Advice = advice });
    }
}
