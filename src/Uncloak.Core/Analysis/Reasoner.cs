using System.Globalization;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Turns the counted evidence into conclusions the way an expert reads a kernel log: lines of one stall are
/// one episode; ports tell who connected to whom; many unrelated peers are background, one peer is a
/// suspect; and nothing is judged alone — each family is weighed against what else happened around it.
/// Every finding carries its evidence and its reasoning.
/// </summary>
public static class Reasoner
{
    /// <summary>How far before a disruption an event counts as "preceding" it.</summary>
    public static readonly TimeSpan Lookback = TimeSpan.FromMinutes(10);

    public static IReadOnlyList<Finding> Conclude(AnalysisReport r)
    {
        var findings = new List<Finding>();
        AddTreason(r, findings);
        AddSynFlood(r, findings);
        AddResourceExhaustion(r, findings);
        AddNics(r, findings);
        AddFirewall(r, findings);
        AddMartians(r, findings);
        AddSuppression(r, findings);
        AddCorrelation(r, findings);
        AddOverall(r, findings);
        return findings;
    }

    private static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    private static string Pct(double v) => (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Dur(TimeSpan t) => t.TotalSeconds < 120 ? $"{t.TotalSeconds:0} s" : t.TotalMinutes < 120 ? $"{t.TotalMinutes:0} min" : $"{t.TotalHours:0.#} h";

    private static void AddTreason(AnalysisReport r, List<Finding> findings)
    {
        long lines = r.Counts[EventKind.Treason];
        if (lines == 0)
        {
            return;
        }
        var episodes = r.TreasonEpisodes;
        var stats = episodes.Statistics;
        int distinctPeers = stats.DistinctPeers;
        int inbound = stats.Inbound;
        int outbound = stats.Outbound;
        var top = stats.TopPeer;
        double topShare = (double)top.Episodes / episodes.Count;

        var evidence = new List<string>
        {
            $"{N(lines)} line(s) describe {N(episodes.Count)} stalled connection(s) (same peer, ports and snd_una = the same stall re-probed).",
            $"{N(distinctPeers)} distinct peer(s); the most frequent, {top.Peer}, has {N(top.Episodes)} episode(s) ({Pct(topShare)}).",
            $"Direction from the ports: {N(inbound)} inbound (this host serving), {N(outbound)} outbound (this host the client), {N(episodes.Count - inbound - outbound)} unclear.",
            $"Bytes in flight per episode: median {N(stats.MedianBytesInFlight)}; {N(stats.LoneProbes)} episode(s) with ≤1 byte (a lone zero-window probe).",
        };
        if (stats.Timed >= 2)
        {
            evidence.Add($"Episodes per active hour: mean {(double)stats.Timed / stats.ActiveHours:0.#}, max {stats.BusiestHour} over {stats.ActiveHours} hour(s) with any.");
        }
        var reasoning = new List<string>
        {
            "The kernel prints this when a peer takes back receive window it already offered while this host had data in flight; " +
            "a slow reader does not cause it. It is a property of the peer's TCP stack or of a middlebox on the path.",
        };
        Severity severity;
        string conclusion;
        var advice = new List<string>();
        if (outbound > inbound && outbound * 2 > episodes.Count)
        {
            severity = Severity.Notice;
            conclusion = "Mostly outbound: this host was the client and remote servers (or a proxy/middlebox on your upstream path) shrank their windows. That is not an attack on this server.";
            reasoning.Add("A well-known port on the peer's side with an ephemeral local port means this host opened the connection.");
            advice.Add("Look at the upstream path (proxy, load balancer, NAT) the outbound connections go through.");
        }
        else if (episodes.Count >= 3 && topShare >= 0.5)
        {
            severity = Severity.Warning;
            conclusion = $"Concentrated on one peer: {top.Peer} accounts for {Pct(topShare)} of the stalls. A broken client or a deliberate window-holder (sockstress-style) pinning this server's workers.";
            reasoning.Add("Background noise from broken stacks is spread thinly across unrelated peers; one peer repeating it is a suspect.");
            advice.Add($"Check live: `uncloak sockets --once` for connections from {top.Peer} stuck with zero window.");
            advice.Add($"If it repeats: `uncloak bans add {top.Peer} --for 1h` and `uncloak sockets --kill {top.Peer}`.");
        }
        else if (distinctPeers >= 5)
        {
            severity = Severity.Info;
            conclusion = $"Background noise: {N(episodes.Count)} stalls spread over {N(distinctPeers)} unrelated peers, none dominant. Typical of buggy client stacks and middleboxes on the internet; the kernel repairs each one, and it is not an attack.";
            reasoning.Add("No peer accounts for a large share, so there is no single actor to ban; banning would only block unlucky clients.");
            advice.Add("Nothing to do for these lines themselves; look at the other findings for what takes the site down.");
        }
        else
        {
            severity = Severity.Notice;
            conclusion = $"A handful of stalls from {N(distinctPeers)} peer(s): too few to call an attack; watch whether they recur around outages.";
        }
        if (lines > episodes.Count * 2)
        {
            reasoning.Add($"Counting lines would overstate it {lines / Math.Max(1, episodes.Count)}×: the kernel re-prints the same stall at every retransmission timeout.");
        }
        reasoning.Add("Kernels since ≈3.19 print it only with dynamic debug enabled; on them the socket table (`uncloak sockets`) is the live evidence.");
        findings.Add(new Finding("treason", severity, "Peers shrinking their TCP window (treason / shrunk window)", conclusion)
        {
            Evidence = evidence,
            Reasoning = reasoning,
            Advice = advice,
        });
    }

    private static void AddSynFlood(AnalysisReport r, List<Finding> findings)
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

    private static void AddResourceExhaustion(AnalysisReport r, List<Finding> findings)
    {
        long conntrack = r.Counts[EventKind.ConntrackFull];
        if (conntrack > 0)
        {
            findings.Add(new Finding("conntrack_full", Severity.Critical, "Connection-tracking table full",
                $"Netfilter dropped new flows {N(conntrack)} time(s) (each line can stand for many drops: the message is ratelimited). While it lasts, every new connection fails — indistinguishable from the site being down.")
            {
                Evidence = [$"{N(conntrack)} \"table full, dropping packet\" line(s) between {Span(r, EventKind.ConntrackFull)}."],
                Reasoning = ["A full table drops the first packet of every new flow, in and out; established connections keep working, which is why it looks like a partial outage."],
                Advice = ["Raise net.netfilter.nf_conntrack_max (≥2× peak) and nf_conntrack_buckets; lower nf_conntrack_tcp_timeout_established; `notrack` the web ports if no stateful rule needs them."],
                Headline = "the conntrack table overflowed and new connections were dropped",
            });
        }
        long oom = r.Counts[EventKind.TcpOutOfMemory], orphans = r.Counts[EventKind.TooManyOrphans];
        if (oom + orphans > 0)
        {
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
        long neigh = r.Counts[EventKind.NeighbourOverflow];
        if (neigh > 0)
        {
            findings.Add(new Finding("neighbour_overflow", Severity.Warning, "Neighbour table overflow",
                $"{N(neigh)} line(s): packets to new on-link hosts were dropped. Raise net.ipv4.neigh.default.gc_thresh1/2/3 on large segments."));
        }
    }

    private static string Span(AnalysisReport r, EventKind kind)
    {
        if (!r.Timeline.Series.TryGetValue(kind, out var series))
        {
            return "unknown times";
        }
        int first = Array.FindIndex(series, c => c > 0), last = Array.FindLastIndex(series, c => c > 0);
        if (first < 0)
        {
            return "unknown times";
        }
        var a = r.Timeline.Start + r.Timeline.Bucket * first;
        var b = r.Timeline.Start + r.Timeline.Bucket * (last + 1);
        return r.Timeline.Clock == "wall"
            ? $"{a:yyyy-MM-dd HH:mm} and {b:yyyy-MM-dd HH:mm} UTC"
            : $"{(a - DateTime.UnixEpoch).TotalSeconds:0} s and {(b - DateTime.UnixEpoch).TotalSeconds:0} s after boot";
    }

    private static void AddNics(AnalysisReport r, List<Finding> findings)
    {
        foreach (var nic in r.Interfaces)
        {
            var evidence = new List<string>();
            var reasoning = new List<string>();
            var advice = new List<string>();
            var severity = Severity.Info;
            var parts = new List<string>();
            int flaps = nic.Flaps.Count;
            if (flaps > 0)
            {
                var durations = nic.Flaps.Where(f => f.Duration is not null).Select(f => f.Duration!.Value).ToList();
                var total = durations.Aggregate(TimeSpan.Zero, (a, b) => a + b);
                evidence.Add($"{flaps} link-down episode(s){(durations.Count > 0 ? $", down {Dur(total)} in total, longest {Dur(durations.Max())}" : "")}{(nic.Flaps.Any(f => f.Up is null) ? "; still down when the log ends" : "")}.");
                parts.Add($"{flaps} link flap(s)");
                severity = Severity.Warning;
                var resets = nic.Watchdogs.Concat(nic.Hangs).Where(t => t != default).Order().ToList();
                int afterReset = nic.Flaps.Count(f => FollowsReset(f.Down, resets));
                if (afterReset > 0)
                {
                    reasoning.Add($"{afterReset} of {flaps} flap(s) came within 60 s after a transmit hang/watchdog on this interface: the driver reset the NIC. That is a NIC/driver/firmware problem, not the cable or the switch.");
                    advice.Add("Update the driver/firmware; try `ethtool -K " + nic.Name + " tso off gso off`, disable PCIe ASPM and EEE; replace the NIC if it persists.");
                }
                else
                {
                    reasoning.Add("The flaps are not preceded by driver resets: suspect the cable, the transceiver or the switch port (check the switch's log for the same times).");
                }
            }
            if (nic.Watchdogs.Count + nic.Hangs.Count > 0)
            {
                evidence.Add($"{nic.Watchdogs.Count} transmit-queue timeout(s) (NETDEV WATCHDOG), {nic.Hangs.Count} transmit unit hang(s).");
                parts.Add("transmit hangs/timeouts");
                severity = Severity.Critical;
                reasoning.Add("Each transmit timeout stops the interface until the driver's reset completes. Before 6.10 only the FIRST watchdog after boot is printed, so there may have been more.");
            }
            if (nic.HalfDuplexUps > 0 || nic.DegradedWarnings > 0)
            {
                evidence.Add($"Link came up at half duplex {nic.HalfDuplexUps} time(s); {nic.DegradedWarnings} driver warning(s) about the negotiation.");
                parts.Add("half duplex");
                severity = Severity.Critical;
                reasoning.Add("Half duplex on a switched server port means autonegotiation failed on one side — the classic duplex mismatch: late collisions on this side, CRC errors on the switch, throughput collapsing under load.");
                advice.Add("Set both the NIC and the switch port to autonegotiate (or force both to the same speed and full duplex). `uncloak audit` checks it live.");
            }
            if (nic.LastSpeedMbps is > 0 and < 1000)
            {
                evidence.Add($"Last link-up at {nic.LastSpeedMbps} Mbps.");
                parts.Add($"{nic.LastSpeedMbps} Mbps");
                severity = (Severity)Math.Max((int)severity, (int)Severity.Warning);
                reasoning.Add("A server NIC below 1 Gbps usually means a bad cable (a broken pair drops gigabit to 100 Mbps) or a forced setting.");
            }
            if (nic.LastFlowControl is FlowControl.Rx or FlowControl.RxTx)
            {
                evidence.Add($"Flow control {EventDescription.FlowText(nic.LastFlowControl)}: the NIC obeys pause frames.");
                reasoning.Add("A congested switch can pause a server port with flow control on; on servers pause frames are usually better off (`ethtool -A IF rx off tx off`).");
            }
            if (evidence.Count == 0)
            {
                evidence.Add($"{nic.LinkUps} link-up message(s); last {(nic.LastSpeedMbps > 0 ? nic.LastSpeedMbps + " Mbps " : "")}{nic.LastDuplex.ToString().ToLowerInvariant()} duplex.");
            }
            string conclusion = parts.Count == 0 ? "No trouble seen on this interface." : $"{nic.Name}: " + string.Join(", ", parts) + ".";
            var downTotal = nic.Flaps.Where(f => f.Duration is not null).Aggregate(TimeSpan.Zero, (a, f) => a + f.Duration!.Value);
            string? headline = nic.Watchdogs.Count + nic.Hangs.Count > 0
                ? $"{nic.Name}'s NIC hung and was reset {Math.Max(nic.Watchdogs.Count, nic.Hangs.Count)} time(s){(downTotal > TimeSpan.Zero ? $", the link down for {Dur(downTotal)} in total" : "")}"
                : nic.HalfDuplexUps > 0 ? $"{nic.Name} runs at half duplex (a duplex mismatch)"
                : flaps > 0 ? $"{nic.Name}'s link went down {flaps} time(s)" : null;
            findings.Add(new Finding($"nic.{nic.Name}", severity, $"Interface {nic.Name}{(nic.Driver is null ? "" : $" ({nic.Driver})")}", conclusion)
            {
                Evidence = evidence,
                Reasoning = reasoning,
                Advice = advice,
                Headline = headline,
            });
        }
    }

    private static void AddFirewall(AnalysisReport r, List<Finding> findings)
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

    private static void AddMartians(AnalysisReport r, List<Finding> findings)
    {
        long n = r.Counts[EventKind.Martian];
        if (n > 0)
        {
            findings.Add(new Finding("martian", Severity.Info, "Martian packets",
                $"{N(n)} packet(s) with impossible addresses were dropped (spoofing, or asymmetric routing with rp_filter=1). Remember the kernel prints the destination first and the bad source second."));
        }
    }

    private static void AddSuppression(AnalysisReport r, List<Finding> findings)
    {
        if (r.SuppressedMessages > 0)
        {
            findings.Add(new Finding("ratelimit", Severity.Notice, "Kernel suppressed network messages",
                $"The kernel's shared net_ratelimit budget hid {N(r.SuppressedMessages)} network message(s): every count in this report is a lower bound, and a flood of one family can hide another's lines.")
            {
                Advice = ["Use the counters (`uncloak counters`) for true numbers."],
            });
        }
    }

    /// <summary>
    /// Disruption episodes (overlapping or adjacent disruptions merged: a hang, its watchdog and the link flap are one
    /// outage) and, for every event kind, how often it fell in the <see cref="Lookback"/> before one compared with how
    /// much of the log's time those windows cover: lift 1 means no relation, well above 1 a relation.
    /// </summary>
    private static void AddCorrelation(AnalysisReport r, List<Finding> findings)
    {
        var disruptions = r.Disruptions.Where(d => d.Start != default).ToList();
        if (disruptions.Count == 0 || r.First is not { } first || r.Last is not { } last || last <= first)
        {
            return;
        }
        var episodes = Merge(disruptions.Select(d => (d.Start, d.End + TimeSpan.FromMinutes(2))).ToList());
        var before = Merge(episodes.Select(e => (e.Start - Lookback, e.Start)).ToList());
        double covered = before.Sum(w => (Min(w.End, last) - Max(w.Start, first)).TotalSeconds);
        double coverage = Math.Clamp(covered / (last - first).TotalSeconds, 1e-6, 1);
        var minutesByKind = r.Minutes.GroupBy(kv => kv.Key.Kind).ToDictionary(g => g.Key, g => g.Select(kv => (kv.Key.Minute, kv.Value)).ToList());
        var lines = new List<string>();
        var related = new List<string>();
        foreach (var (kind, minutes) in minutesByKind.OrderBy(k => k.Key))
        {
            if (kind is EventKind.NicLink or EventKind.NetdevWatchdog or EventKind.NicHang)
            {
                continue; // they define the disruptions
            }
            long all = minutes.Sum(m => m.Value);
            long inside = 0;
            var hit = new bool[episodes.Count];
            foreach (var (minute, count) in minutes)
            {
                // Both lists are sorted and disjoint: binary searches keep this linear in minutes, not minutes × disruptions.
                var t = TimeOfMinute(minute, r.Clock);
                for (int e = FirstStartingAfter(episodes, t); e < episodes.Count && episodes[e].Start - Lookback <= t; e++)
                {
                    hit[e] = true;
                }
                int w = FirstStartingAfter(before, t) - 1;
                if (w >= 0 && t < before[w].End)
                {
                    inside += count;
                }
            }
            int preceded = hit.Count(h => h);
            double lift = all == 0 ? 0 : inside / (double)all / coverage;
            string verdict = lift >= 2 && preceded >= Math.Min(2, episodes.Count) ? "related" : lift <= 1.5 ? "unrelated" : "weakly related";
            if (verdict == "related")
            {
                related.Add(kind.Name());
            }
            lines.Add($"{kind.Name()}: in the {Lookback.TotalMinutes:0} min before {preceded} of {episodes.Count} disruption(s); {Pct(inside / (double)Math.Max(1, all))} of its events fall in those windows (lift {lift:0.0}) — {verdict}.");
        }
        if (lines.Count == 0)
        {
            return;
        }
        findings.Add(new Finding("correlation", Severity.Info, "What happened before the disruptions",
            related.Count > 0
                ? $"{string.Join(", ", related)} came before the disruptions far more often than chance; the other kinds did not."
                : "No event kind came before the disruptions more often than chance: they are unrelated to what else the log shows.")
        {
            Evidence = lines,
            Reasoning =
            [
                $"Disruptions seen in the log itself: {episodes.Count} episode(s) from {disruptions.Count} signal(s) ({string.Join(", ", disruptions.GroupBy(d => d.Cause).Select(g => $"{g.Count()}× {g.Key}"))}).",
                $"The {Lookback.TotalMinutes:0} minutes before them cover {Pct(coverage)} of the log's time; a kind unrelated to them falls there about that often (lift ≈ 1).",
            ],
            Advice = ["With a live probe, `uncloak watch` records real outages and `uncloak report` repeats this against them."],
        });
    }

    private static DateTime TimeOfMinute(long minute, string clock)
        => clock == "wall" ? new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc) : DateTime.UnixEpoch.AddMinutes(minute);

    private static void AddOverall(AnalysisReport r, List<Finding> findings)
    {
        if (findings.Count == 0)
        {
            findings.Add(new Finding("overall", Severity.Info, "Verdict",
                r.Lines == 0 ? "No lines were read." : "No network trouble of any known family in these logs."));
            return;
        }
        // Worst first; among equals, the NIC (real downtime) before the rest.
        var worst = findings.Where(f => f.Severity >= Severity.Warning).OrderByDescending(f => f.Severity).ThenBy(f => f.Id.StartsWith("nic.", StringComparison.Ordinal) ? 0 : 1).ToList();
        var noise = findings.FirstOrDefault(f => f.Id == "treason" && f.Severity == Severity.Info);
        var parts = new List<string>();
        if (worst.Count > 0)
        {
            var heads = worst.Take(3).Select(f => f.Headline ?? f.Title).ToList();
            parts.Add("Most likely to hurt availability: " + string.Join("; and ", heads) + ".");
        }
        if (noise is not null)
        {
            parts.Add("The treason / shrunk-window lines are background noise, not the cause.");
        }
        if (parts.Count == 0)
        {
            parts.Add("Nothing here is likely to take the site down by itself; see the findings below.");
        }
        findings.Insert(0, new Finding("overall", worst.Count > 0 ? worst[0].Severity : Severity.Info, "Verdict", string.Join(" ", parts)));
    }

    private static List<(DateTime Start, DateTime End)> Merge(List<(DateTime Start, DateTime End)> windows)
    {
        var merged = new List<(DateTime Start, DateTime End)>();
        foreach (var w in windows.OrderBy(w => w.Start))
        {
            if (merged.Count > 0 && w.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Max(merged[^1].End, w.End));
            }
            else
            {
                merged.Add(w);
            }
        }
        return merged;
    }

    /// <summary>True when a driver reset (sorted <paramref name="resets"/>) came at most 60 s before <paramref name="down"/>.</summary>
    private static bool FollowsReset(DateTime down, List<DateTime> resets)
    {
        int i = resets.BinarySearch(down);
        int latest = i >= 0 ? i : ~i - 1; // the last reset at or before the link went down
        return latest >= 0 && down - resets[latest] <= TimeSpan.FromSeconds(60);
    }

    /// <summary>Index of the first window starting after <paramref name="t"/> in a list sorted by start.</summary>
    private static int FirstStartingAfter(List<(DateTime Start, DateTime End)> sorted, DateTime t)
    {
        int lo = 0, hi = sorted.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid].Start <= t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static DateTime Min(DateTime a, DateTime b) => a < b ? a : b;

    private static DateTime Max(DateTime a, DateTime b) => a > b ? a : b;
}
