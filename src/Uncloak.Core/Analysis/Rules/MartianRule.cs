using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>Martian packets: spoofing, a misconfigured neighbour, or asymmetric routing — the sources tell which.</summary>
public sealed class MartianRule : FindingRule
{
    /// <summary>Share of the martians one (source, interface) pair must have to be the one sender to go and find.</summary>
    public const double OneSenderShare = 0.8;

    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        long n = r.Counts[EventKind.Martian];
        if (n == 0)
        {
            return;
        }
        var evidence = new List<string>();
        var reasoning = new List<string>
        {
            "The kernel drops a packet whose source it could not route back out of the interface it came in on (rp_filter), or whose source or destination can never be valid. Remember it prints the destination first and the bad source second.",
        };
        var advice = new List<string>();
        string conclusion = $"{N(n)} packet(s) with impossible addresses were dropped (spoofing, a misconfigured device on the segment, or asymmetric routing with rp_filter=1).";
        var sources = r.Martians;
        if (sources.Count > 0)
        {
            evidence.Add("Sources (interface, packets): " + string.Join(", ", sources.Take(5).Select(s => $"{Show(s.Source)} on {s.Device ?? "?"} ({N(s.Packets)})")) +
                (sources.Count > 5 ? $", and {N(sources.Count - 5)} more" : "") + ".");
            var top = sources[0];
            if (top.Packets >= OneSenderShare * n)
            {
                conclusion = $"{N(n)} martian packet(s), {(top.Packets == n ? "all" : "almost all")} from {Show(top.Source)} on {top.Device ?? "one interface"}: one device sending with a source address that cannot be right there — a misconfigured neighbour or a route that sends its traffic the wrong way, not an attack.";
                reasoning.Add(top.Source.IsNone || top.Source.ToString() is "0.0.0.0" or "::"
                    ? "A source of 0.0.0.0 is a device that has no address of its own (or a sender not configured with one), not a forgery: spoofers pick addresses that route."
                    : "One steady source on one interface is one sender; forged floods spread over many sources.");
            }
            else
            {
                reasoning.Add($"{N(sources.Count)} different source/interface pair(s): a spread like this is spoofed traffic or a whole prefix routed the wrong way (asymmetric routing).");
            }
            advice.Add($"To confirm who sends them: the \"ll header\" line after each martian holds the Ethernet header — bytes 7–12 are the MAC of the sender (or of the router that forwarded it); `tcpdump -eni {top.Device ?? "IF"} src {Show(top.Source)}` shows it live; look the MAC up in `ip neigh` or the switch's MAC table.");
        }
        else
        {
            advice.Add("To confirm who sends them: the \"ll header\" line after each martian holds the Ethernet header — bytes 7–12 are the MAC of the sender (or of the router that forwarded it).");
        }
        advice.Add("Fix the sender's address or the route; if the asymmetric routing is intended, use rp_filter=2 (loose) on that interface rather than 0. Banning a martian source is pointless: it is dropped already, and it is often forged.");
        findings.Add(new Finding("martian", Severity.Info, "Martian packets", conclusion)
        {
            Evidence = evidence,
            Reasoning = reasoning,
            Advice = advice,
        });
    }

    private static string Show(NetAddress a) => a.IsNone ? "no source" : a.ToString();
}
