using System.Runtime.InteropServices;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// What the treason verdict weighs, taken from the episodes in one pass: there can be a million of them, and
/// grouping or filtering copies of them cost more memory than the whole analysis before it.
/// </summary>
internal readonly record struct EpisodeStatistics(
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
    public static EpisodeStatistics Of(IReadOnlyList<TreasonEpisode> episodes)
    {
        var perPeer = new Dictionary<NetAddress, (int Episodes, long Lines, int FirstIndex)>();
        var perHour = new Dictionary<long, int>();
        var inFlight = new uint[episodes.Count];
        int inbound = 0, outbound = 0, probes = 0, timed = 0;
        for (int i = 0; i < episodes.Count; i++)
        {
            var e = episodes[i];
            ref var peer = ref CollectionsMarshal.GetValueRefOrAddDefault(perPeer, e.Peer, out bool seen);
            peer = (peer.Episodes + 1, peer.Lines + e.Lines, seen ? peer.FirstIndex : i);
            var direction = e.Direction;
            inbound += direction == ConnectionDirection.Inbound ? 1 : 0;
            outbound += direction == ConnectionDirection.Outbound ? 1 : 0;
            inFlight[i] = e.MaxBytesInFlight;
            probes += e.MaxBytesInFlight <= 1 ? 1 : 0;
            if (e.First != DateTime.MaxValue)
            {
                timed++;
                CollectionsMarshal.GetValueRefOrAddDefault(perHour, e.First.Ticks / TimeSpan.TicksPerHour, out _)++;
            }
        }
        var top = (Peer: NetAddress.None, Episodes: 0, Lines: 0L);
        int topIndex = int.MaxValue;
        foreach (var (address, (n, lines, index)) in perPeer)
        {
            // Most episodes, then most lines, then the peer whose episode comes first in the (sorted) list.
            if (n > top.Episodes || (n == top.Episodes && (lines > top.Lines || (lines == top.Lines && index < topIndex))))
            {
                (top, topIndex) = ((address, n, lines), index);
            }
        }
        Array.Sort(inFlight);
        return new EpisodeStatistics(perPeer.Count, inbound, outbound, top, inFlight.Length > 0 ? inFlight[inFlight.Length / 2] : 0, probes,
            timed, perHour.Count, perHour.Count > 0 ? perHour.Values.Max() : 0);
    }
}
