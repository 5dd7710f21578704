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
            "The message names no attacker and does not mean an attack: it fires whenever a listener's SYN queue is full, which a burst of legitimate clients does as well as a flood when the queue is small (the listen() backlog the application asked for, capped by net.core.somaxconn). SYN floods usually come from forged addresses, so banning sources is pointless either way.",
        };
        var advice = new List<string>
        {
            "To tell a burst from a flood: `nstat -az TcpExtListenOverflows TcpExtSyncookiesRecv` — cookies coming back (SyncookiesRecv) and ListenOverflows growing mean real clients completing handshakes faster than the application accepts; `ss -ltn` with Recv-Q at Send-Q shows the listener's accept queue full. Many SYN-RECV sockets from scattered addresses that never complete mean a flood.",
            "Keep net.ipv4.tcp_syncookies=1; raise the application's listen() backlog together with net.core.somaxconn and tcp_max_syn_backlog (a backlog of a few connections overflows on any burst).",
            "Do not add a SYN rate limit: it drops legitimate clients together with the flood.",
        };
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
