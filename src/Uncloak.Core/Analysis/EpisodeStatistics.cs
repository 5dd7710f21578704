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
    /// <summary>Folds episodes in one at a time; ties between peers are broken by the report order (<see cref="EpisodeTable.Compare"/>).</summary>
    internal sealed class Accumulator(int capacity)
    {
        private readonly Dictionary<NetAddress, (int Episodes, long Lines, TreasonEpisode Best)> _perPeer = [];
        private readonly Dictionary<long, int> _perHour = [];
        private readonly uint[] _inFlight = new uint[capacity];
        private int _n;
        private int _inbound;
        private int _outbound;
        private int _probes;
        private int _timed;

        public void Add(in TreasonEpisode e)
        {
            ref var peer = ref CollectionsMarshal.GetValueRefOrAddDefault(_perPeer, e.Peer, out bool seen);
            peer = (peer.Episodes + 1, peer.Lines + e.Lines, seen && EpisodeTable.Compare(peer.Best, e) <= 0 ? peer.Best : e);
            var direction = e.Direction;
            _inbound += direction == ConnectionDirection.Inbound ? 1 : 0;
            _outbound += direction == ConnectionDirection.Outbound ? 1 : 0;
            if (_n < _inFlight.Length)
            {
                _inFlight[_n++] = e.MaxBytesInFlight;
            }
            _probes += e.MaxBytesInFlight <= 1 ? 1 : 0;
            if (e.First != DateTime.MaxValue)
            {
                _timed++;
                CollectionsMarshal.GetValueRefOrAddDefault(_perHour, e.First.Ticks / TimeSpan.TicksPerHour, out _)++;
            }
        }

        public EpisodeStatistics Result()
        {
            (NetAddress Peer, int Episodes, long Lines, TreasonEpisode Best)? top = null;
            foreach (var (address, (episodes, lines, best)) in _perPeer)
            {
                // Most episodes, then most lines, then the peer whose worst episode the report lists first.
                if (top is not { } t || episodes > t.Episodes || (episodes == t.Episodes && (lines > t.Lines || (lines == t.Lines && EpisodeTable.Compare(best, t.Best) < 0))))
                {
                    top = (address, episodes, lines, best);
                }
            }
            Array.Sort(_inFlight, 0, _n);
            return new EpisodeStatistics(_perPeer.Count, _inbound, _outbound, top is { } tp ? (tp.Peer, tp.Episodes, tp.Lines) : (NetAddress.None, 0, 0),
                _n > 0 ? _inFlight[_n / 2] : 0, _probes, _timed, _perHour.Count, _perHour.Count > 0 ? _perHour.Values.Max() : 0);
        }
    }
}
