using System.Runtime.InteropServices;
using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// What the treason verdict weighs, taken from all episodes in one pass. An episode is one stall (a distinct snd_una); a
/// connection is a peer, peer port and local port, which can stall many times: nine stalls on one connection are one
/// buggy peer or path, nine connections held by one peer are a holder.
/// </summary>
/// <param name="DistinctPeers">Distinct peers over all stalls.</param>
/// <param name="Inbound">Stalls of connections this host served.</param>
/// <param name="Outbound">Stalls of connections this host opened.</param>
/// <param name="TopPeer">The peer with the most stalls, its stalls and lines.</param>
/// <param name="MedianBytesInFlight">Median of the stalls' largest bytes in flight.</param>
/// <param name="LoneProbes">Stalls with at most one byte in flight (a lone zero-window probe).</param>
/// <param name="Timed">Stalls whose lines carried a clock.</param>
/// <param name="ActiveHours">Hours with any stall.</param>
/// <param name="BusiestHour">The most stalls that started in one hour.</param>
/// <param name="Connections">Distinct connections (peer, peer port, local port) over all stalls.</param>
/// <param name="TopPeerConnections">How many distinct connections the peer with the most stalls stalled on.</param>
/// <param name="MostStallsOnOneConnection">The most stalls any one connection had.</param>
public readonly record struct EpisodeStatistics(
    int DistinctPeers,
    int Inbound,
    int Outbound,
    (NetAddress Peer, int Episodes, long Lines) TopPeer,
    uint MedianBytesInFlight,
    int LoneProbes,
    int Timed,
    int ActiveHours,
    int BusiestHour,
    int Connections,
    int TopPeerConnections,
    int MostStallsOnOneConnection)
{
    /// <summary>Folds episodes in one at a time; ties between peers are broken by the report order (<see cref="EpisodeTable.Compare"/>).</summary>
    internal sealed class Accumulator(int capacity)
    {
        private readonly Dictionary<NetAddress, (int Episodes, long Lines, TreasonEpisode Best, int Connections)> _perPeer = [];
        // The connections of the current part of the episode table only: a connection's stalls all lie in one part.
        private readonly Dictionary<(NetAddress Peer, ushort PeerPort, ushort LocalPort), int> _stallsPerConnection = [];
        private int _connections;
        private int _mostStalls;
        private readonly Dictionary<long, int> _perHour = [];
        private readonly uint[] _inFlight = new uint[capacity];
        private int _n;
        private int _inbound;
        private int _outbound;
        private int _probes;
        private int _timed;

        /// <summary>The episodes added from here on share no connection with those added before.</summary>
        public void NextPart()
        {
            _connections += _stallsPerConnection.Count;
            _stallsPerConnection.Clear();
        }

        public void Add(in TreasonEpisode e)
        {
            ref int stalls = ref CollectionsMarshal.GetValueRefOrAddDefault(_stallsPerConnection, (e.Peer, e.PeerPort, e.LocalPort), out bool known);
            stalls++;
            _mostStalls = Math.Max(_mostStalls, stalls);
            ref var peer = ref CollectionsMarshal.GetValueRefOrAddDefault(_perPeer, e.Peer, out bool seen);
            peer = (peer.Episodes + 1, peer.Lines + e.Lines, seen && EpisodeTable.Compare(peer.Best, e) <= 0 ? peer.Best : e, peer.Connections + (known ? 0 : 1));
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
            (NetAddress Peer, int Episodes, long Lines, TreasonEpisode Best, int Connections)? top = null;
            foreach (var (address, (episodes, lines, best, connections)) in _perPeer)
            {
                // Most episodes, then most lines, then the peer whose worst episode the report lists first.
                if (top is not { } t || episodes > t.Episodes || (episodes == t.Episodes && (lines > t.Lines || (lines == t.Lines && EpisodeTable.Compare(best, t.Best) < 0))))
                {
                    top = (address, episodes, lines, best, connections);
                }
            }
            return new EpisodeStatistics(_perPeer.Count, _inbound, _outbound, top is { } tp ? (tp.Peer, tp.Episodes, tp.Lines) : (NetAddress.None, 0, 0),
                _n > 0 ? Selection.NthSmallest(_inFlight.AsSpan(0, _n), _n / 2) : 0, _probes, _timed, _perHour.Count, _perHour.Count > 0 ? _perHour.Values.Max() : 0,
                _connections + _stallsPerConnection.Count, top?.Connections ?? 0, _mostStalls);
        }
    }
}
