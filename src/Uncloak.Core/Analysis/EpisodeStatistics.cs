using System.Runtime.InteropServices;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>What the treason verdict weighs, taken from all episodes in one pass.</summary>
public readonly record struct EpisodeStatistics(
    int DistinctPeers,
    int Inbound,
    int Outbound,
    (NetAddress Peer, int Episodes, long Lines) TopPeer,
    uint MedianBytesInFlight,
    int LoneProbes,
    int Timed,
    int ActiveHours,
    int BusiestHour)
{
    /// <summary>Folds episodes in; <paramref name="order"/> is the report's episode order, used to break ties between peers.</summary>
    public static EpisodeStatistics Of(IEnumerable<TreasonEpisode> episodes, int count, IComparer<TreasonEpisode> order)
    {
        var perPeer = new Dictionary<NetAddress, (int Episodes, long Lines, TreasonEpisode Best)>();
        var perHour = new Dictionary<long, int>();
        var inFlight = new uint[count];
        int n = 0, inbound = 0, outbound = 0, probes = 0, timed = 0;
        foreach (var e in episodes)
        {
            ref var peer = ref CollectionsMarshal.GetValueRefOrAddDefault(perPeer, e.Peer, out bool seen);
            peer = (peer.Episodes + 1, peer.Lines + e.Lines, seen && order.Compare(peer.Best, e) <= 0 ? peer.Best : e);
            var direction = e.Direction;
            inbound += direction == ConnectionDirection.Inbound ? 1 : 0;
            outbound += direction == ConnectionDirection.Outbound ? 1 : 0;
            inFlight[n++] = e.MaxBytesInFlight;
            probes += e.MaxBytesInFlight <= 1 ? 1 : 0;
            if (e.First != DateTime.MaxValue)
            {
                timed++;
                CollectionsMarshal.GetValueRefOrAddDefault(perHour, e.First.Ticks / TimeSpan.TicksPerHour, out _)++;
            }
        }
        (NetAddress Peer, int Episodes, long Lines, TreasonEpisode Best)? top = null;
        foreach (var (address, (episodesOfPeer, lines, best)) in perPeer)
        {
            // Most episodes, then most lines, then the peer whose worst episode the report lists first.
            if (top is not { } t || episodesOfPeer > t.Episodes || (episodesOfPeer == t.Episodes && (lines > t.Lines || (lines == t.Lines && order.Compare(best, t.Best) < 0))))
            {
                top = (address, episodesOfPeer, lines, best);
            }
        }
        Array.Sort(inFlight, 0, n);
        return new EpisodeStatistics(perPeer.Count, inbound, outbound, top is { } tp ? (tp.Peer, tp.Episodes, tp.Lines) : (NetAddress.None, 0, 0),
            n > 0 ? inFlight[n / 2] : 0, probes, timed, perHour.Count, perHour.Count > 0 ? perHour.Values.Max() : 0);
    }
}
