using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>Firewall LOG lines: how many, from whom, and which sources are scanners.</summary>
public sealed class FirewallRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long lines = r.Counts[EventKind.FirewallLog];
        if (lines == 0)
        {
            return;
        }
        var scanners = r.Peers.Where(p => p.Counts[EventKind.FirewallLog] > 0 && p.DistinctLocalPorts >= 10).ToList();
        var topPorts = r.LocalPorts.Where(p => p.Counts[EventKind.FirewallLog] > 0).Take(5)
            .Select(p => $"{p.Port} ({N(p.Counts[EventKind.FirewallLog])} from {N(p.DistinctPeers)} peers)").ToList();
        int sources = r.Peers.Count(p => p.Counts[EventKind.FirewallLog] > 0);
        findings.Add(new Finding("firewall_log", scanners.Count > 0 ? Severity.Notice : Severity.Info, "Firewall LOG lines",
            $"{N(lines)} logged packet(s) from {N(sources)} source(s); {N(scanners.Count)} of them hit 10 or more ports (scanners).")
        {
            Evidence = [$"Most-logged ports: {string.Join(", ", topPorts)}.", .. scanners.Take(5).Select(s => $"{s.Address}: {N(s.Counts[EventKind.FirewallLog])} packet(s) to {N(s.DistinctLocalPorts)} port(s).")],
            Reasoning = ["Logged drops are what the firewall already stopped; they matter for outages only when the logging itself floods the kernel's message budget or the disk."],
            Advice = ["Rate-limit LOG rules; ban persistent scanners for a while if they bother you (`uncloak bans add`)."],
        });
    }
}
