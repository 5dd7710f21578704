using Uncloak.Core.Events;
using Uncloak.Core.Messages;
using static Uncloak.Core.Analysis.Rules.ReportText;

namespace Uncloak.Core.Analysis.Rules;

/// <summary>Window-shrinking peers: background noise, a buggy peer or path, or a window-holder pinning this server.</summary>
public sealed class TreasonRule : FindingRule
{
    public override void Apply(AnalysisReport r, List<Finding> findings)
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

        int connections = stats.Connections;
        var evidence = new List<string>
        {
            $"{N(lines)} line(s) describe {N(episodes.Count)} stall(s) on {N(connections)} connection(s) (a connection is a peer, its port and the local port; a stall is one snd_una on it, re-probed by every line that repeats it).",
            $"{N(distinctPeers)} distinct peer(s); the most frequent, {top.Peer}, has {N(top.Episodes)} stall(s) ({Pct(topShare)}) on {N(stats.TopPeerConnections)} connection(s).",
            $"Direction{DirectionBasis(r.Listening)}: {N(inbound)} inbound (this host serving), {N(outbound)} outbound (this host the client), {N(episodes.Count - inbound - outbound)} unclear.",
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
        else if (episodes.Count >= 3 && topShare >= 0.5 && stats.TopPeerConnections >= HolderConnections)
        {
            severity = Severity.Warning;
            conclusion = $"Concentrated on one peer: {top.Peer} accounts for {Pct(topShare)} of the stalls, on {N(stats.TopPeerConnections)} different connections. A broken client or a deliberate window-holder (sockstress-style) pinning this server's workers.";
            reasoning.Add("Background noise from broken stacks is spread thinly across unrelated peers; one peer holding many connections stalled is a suspect.");
            advice.Add($"Check live: `uncloak sockets --once` for connections from {top.Peer} stuck with zero window.");
            advice.Add($"If it repeats: `uncloak bans add {top.Peer} --for 1h` and `uncloak sockets --kill {top.Peer}`.");
        }
        else if (episodes.Count >= 3 && topShare >= 0.5)
        {
            severity = Severity.Notice;
            conclusion = $"One peer's connection stalling again and again: {top.Peer} has {N(top.Episodes)} stall(s) on only {N(stats.TopPeerConnections)} connection(s). A buggy peer stack or a lossy path / middlebox, worth watching — not an attack: a holder pins many connections at once.";
            reasoning.Add("Each stall of one connection is a new snd_una: the transfer moved on and stalled again. That is one slow or broken peer, which the kernel repairs each time; it costs this server one socket.");
            advice.Add($"Watch whether {top.Peer} opens more connections that stall (`uncloak sockets --once`); no ban is called for by this alone.");
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

    /// <summary>How many connections of one peer stalled at once make it a holder rather than one broken connection.</summary>
    public const int HolderConnections = 3;

    private static string DirectionBasis(ServicePorts listening)
        => listening.Count == 0
            ? " from the ports (well-known service ports, then the ephemeral range clients take their ports from)"
            : $" from {N(listening.Count)} listening port(s) known{(listening.Complete ? " (all of them)" : "")}, then the ports";
}
