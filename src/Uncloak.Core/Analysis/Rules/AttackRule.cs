using System.Globalization;
using Uncloak.Core.Events;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>
/// One finding per attack the events show (<see cref="AnalysisReport.Attacks"/>): who (an address, or the range a
/// spoofed flood's sources share: such a flood has no one attacker), against what, by which mechanism, with its
/// numbers. Peers that only connected normally are in no event, so they are never named.
/// </summary>
public sealed class AttackRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
    {
        foreach (var a in r.Attacks)
        {
            findings.Add(Describe(a, r.Clock));
        }
        if (r.UntalliedAttackEvents > 0)
        {
            findings.Add(new Finding("attack.untallied", Severity.Notice, "More attackers than the report names",
                $"{N(r.UntalliedAttackEvents)} attack event(s) came from attackers beyond the first {N(AttackTallies.MaxAttacks)}: counted in the tables, not named one by one here."));
        }
    }

    /// <summary>The attacker in words: an address, a range, or why there is none.</summary>
    public static string Who(AttackTally a) => a.AttackerRange
        ?? (!a.Attacker.IsNone ? a.Attacker.ToString()
            : a.Mechanism switch
            {
                AttackMechanism.SpreadIcmpFlood => "many sources",
                AttackMechanism.SpoofedSynFlood => "forged sources sharing no range",
                _ => "sources sharing no narrow range",
            });

    /// <summary>The stable finding id: mechanism, attacker, target.</summary>
    public static string Id(AttackTally a)
        => string.Create(CultureInfo.InvariantCulture, $"attack.{a.Mechanism.Name()}.{Who(a).Replace(' ', '_')}.{(a.Target.IsNone ? "any" : a.Target.ToString())}:{a.LocalPort}");

    private static Finding Describe(AttackTally a, string clock)
    {
        string who = Who(a);
        string target = (a.Target.IsNone ? "" : a.Target.IsV6 ? $"[{a.Target}]" : a.Target.ToString()) + (a.LocalPort != 0 ? $":{a.LocalPort}" : "");
        if (target.Length == 0)
        {
            target = "this host";
        }
        string title = string.Create(CultureInfo.InvariantCulture, $"{Capital(a.Mechanism.Words())} {(AttackMechanisms.HoldsConnections(a.Mechanism) ? "by" : "from")} {who} on {target}");
        var evidence = new List<string>();
        var reasoning = new List<string>();
        var advice = new List<string>();
        string conclusion;
        string headline;
        var severity = Severity.Warning;
        if (AttackMechanisms.HoldsConnections(a.Mechanism))
        {
            if (a.ShrunkConnections > 0)
            {
                evidence.Add($"{N(a.ShrunkConnections)} connection(s) whose window's right edge {who} moved back over data in flight ({N(a.BytesInFlightAtShrink)} bytes in flight then).");
            }
            if (a.ZeroWindowConnections > 0)
            {
                evidence.Add($"{N(a.ZeroWindowConnections)} connection(s) held at zero window, the longest for {Secs(a.LongestHoldMillis)}" +
                    (a.BytesPinned > 0 ? $", with {N(a.BytesPinned)} bytes pinned towards {who}" : ", with no data in flight towards it") +
                    (a.Probes > 0 ? $"; {N(a.Probes)} zero-window probe(s) sent into them." : "."));
            }
            if (a.SlowConnections > 0)
            {
                evidence.Add($"{N(a.SlowConnections)} connection(s) kept at a tiny window, the longest for {Secs(a.LongestSlowMillis)}, reading {N(a.BytesRead)} bytes in all.");
            }
            switch (a.Mechanism)
            {
                case AttackMechanism.WindowShrink:
                    conclusion = $"{who} shrank its receive window over data this server had already sent, on {N(a.Connections)} connection(s) to {target}: the \"treason uncloaked\" condition, done on purpose. The server must keep the data and retransmit into a window that is not there.";
                    headline = $"{who} shrank its window on {N(a.Connections)} connection(s) to {target}";
                    reasoning.Add("Taking back window already offered is forbidden by RFC 9293 and no sane stack does it on several connections at once: a deliberately broken peer.");
                    break;
                case AttackMechanism.SlowReader:
                    conclusion = $"{who} is a slow reader: {N(a.Connections)} connection(s) to {target} kept at a window of a few bytes, reading a trickle, so each holds a worker and its send buffer for as long as it likes.";
                    headline = $"{who} slow-read {N(a.Connections)} connection(s) to {target}";
                    reasoning.Add("A window that opens only a little, again and again, is a reader choosing to be slow; a busy client's window opens wide when it catches up.");
                    break;
                default:
                    conclusion = $"{who} held {N(a.Connections)} connection(s) to {target} at zero window while this server had data for it: each pins a worker and its send buffer, and the server keeps probing.";
                    headline = $"{who} held {N(a.Connections)} connection(s) to {target} at zero window";
                    reasoning.Add("A peer that stops reading on many connections at once, while the server has data queued, is occupying the server, not busy.");
                    break;
            }
            if (a.Connections >= 2)
            {
                reasoning.Add("One stalled connection is a broken client; several from one address are an attacker: it cannot be forged (the handshake completed), so a ban is safe.");
                advice.Add($"`uncloak bans add {a.Attacker} --for 1h` and `uncloak sockets --kill {a.Attacker}`; the watch daemon's scenarios do this on their own.");
            }
            else
            {
                severity = Severity.Notice;
                advice.Add($"Watch whether {a.Attacker} opens more connections that stall (`uncloak sockets --once`).");
            }
        }
        else if (a.Mechanism is AttackMechanism.SpoofedSynFlood or AttackMechanism.SynFlood)
        {
            evidence.Add($"{N(a.Packets)} handshake(s) left half-open on {target} over {Secs(a.FloodMillis)}; ~{N(a.Sources)} source address(es) in ~{N(a.Prefixes)} prefix(es), TTL spread {a.TtlSpread}.");
            if (a.Mechanism == AttackMechanism.SpoofedSynFlood)
            {
                conclusion = $"A SYN flood on {target} from forged addresses{(a.AttackerRange is null ? "" : $" within {a.AttackerRange}")}: about one SYN per source, almost none completing the handshake. There is no single attacker to name or ban.";
                headline = $"a spoofed SYN flood from {who} hit {target}";
                reasoning.Add("Many sources sending one SYN each, spread TTLs and no handshake completed are the marks of forged sources; peers that completed their handshakes are left out of the range.");
                advice.Add("Keep net.ipv4.tcp_syncookies=1 and raise tcp_max_syn_backlog; do not ban the sources (they are forged: a ban hits whoever owns them).");
            }
            else
            {
                conclusion = $"A SYN flood on {target} from real, concentrated sources{(a.Attacker.IsNone ? "" : $" ({who})")}: handshakes left half-open without the spread of forged addresses.";
                headline = $"a SYN flood from {who} hit {target}";
                reasoning.Add("Few sources with steady TTLs do not look forged: the sources are the attackers.");
                advice.Add(a.Attacker.IsNone ? "Rate-limit the busiest sources' prefixes." : $"`uncloak bans add {who} --for 1h` if it repeats; keep SYN cookies on.");
            }
        }
        else
        {
            evidence.Add($"{N(a.Packets)} ICMP message(s) (last type {a.IcmpType}) towards {target} over {Secs(a.FloodMillis)}.");
            conclusion = a.Mechanism == AttackMechanism.IcmpFlood
                ? $"{who} flooded {target} with ICMP{(a.IcmpType == 8 ? " echo requests (a ping flood)" : "")}: bandwidth and CPU spent answering. The source is as claimed, and ICMP sources are forgeable."
                : $"{target} received an ICMP flood from many sources, none above the threshold alone: spread or spoofed.";
            headline = a.Mechanism == AttackMechanism.IcmpFlood ? $"{who} flooded {target} with ICMP" : $"an ICMP flood from many sources hit {target}";
            reasoning.Add("ICMP carries no handshake, so its source address proves nothing: banning it could block an innocent host.");
            advice.Add("Rate-limit ICMP (nftables `limit rate`), never ban on it.");
        }
        if (a.First != DateTime.MaxValue)
        {
            evidence.Add(clock == "wall"
                ? string.Create(CultureInfo.InvariantCulture, $"Seen from {a.First:yyyy-MM-dd HH:mm:ss} to {a.Last:HH:mm:ss} UTC in {N(a.Events)} event(s).")
                : $"Seen in {N(a.Events)} event(s).");
        }
        return new Finding(Id(a), severity, title, conclusion)
        {
            Evidence = evidence,
            Reasoning = reasoning,
            Advice = advice,
            Headline = headline,
        };
    }

    private static string Secs(long millis) => (millis / 1000.0).ToString("0.#", CultureInfo.InvariantCulture) + " s";

    private static string Capital(string s) => char.ToUpperInvariant(s[0]) + s[1..];
}
