using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Treason lines folded into episodes, keyed by (peer, ports, snd_una), with plain struct values: at a million
/// stalls an object per episode doubled the analysis's memory. Bounded: a hostile log cannot make it keep more than
/// <see cref="Limit"/> episodes.
/// </summary>
internal sealed class EpisodeTable
{
    public const int Limit = 1_000_000;

    private readonly Dictionary<Key, Tally> _episodes = [];

    public int Count => _episodes.Count;

    public void Add(in NetEvent ev, DateTime time, long weight)
    {
        var key = new Key(ev.Peer, ev.PeerPort, ev.LocalPort, ev.SeqFrom);
        if (_episodes.Count >= Limit && !_episodes.ContainsKey(key))
        {
            return;
        }
        CollectionsMarshal.GetValueRefOrAddDefault(_episodes, key, out _).Add(weight, ev.BytesInFlight, ev.Millis2, time, time);
    }

    public void Merge(EpisodeTable other)
    {
        _episodes.EnsureCapacity(Math.Min(Limit, _episodes.Count + other._episodes.Count));
        foreach (var (key, theirs) in other._episodes)
        {
            if (_episodes.Count >= Limit && !_episodes.ContainsKey(key))
            {
                continue;
            }
            CollectionsMarshal.GetValueRefOrAddDefault(_episodes, key, out _).Add(theirs.Lines, theirs.MaxBytesInFlight, theirs.LongestStallMs, theirs.First, theirs.Last);
        }
    }

    /// <summary>The episodes, most lines first, then oldest first (a total order, so reports do not depend on hashing).</summary>
    public TreasonEpisode[] ToSortedArray()
    {
        var all = new TreasonEpisode[_episodes.Count];
        int i = 0;
        foreach (var (k, t) in _episodes)
        {
            all[i++] = new TreasonEpisode(k.Peer, k.PeerPort, k.LocalPort, k.SndUna, t.MaxBytesInFlight, t.Lines,
                t.Lines > 0 && t.First != default ? t.First : DateTime.MaxValue, t.Last == default ? DateTime.MinValue : t.Last, t.LongestStallMs);
        }
        Array.Sort(all, static (a, b) =>
        {
            int c = b.Lines.CompareTo(a.Lines);
            c = c != 0 ? c : a.First.CompareTo(b.First);
            c = c != 0 ? c : a.Peer.CompareTo(b.Peer);
            c = c != 0 ? c : a.PeerPort.CompareTo(b.PeerPort);
            c = c != 0 ? c : a.LocalPort.CompareTo(b.LocalPort);
            return c != 0 ? c : a.SndUna.CompareTo(b.SndUna);
        });
        return all;
    }

    private readonly record struct Key(NetAddress Peer, ushort PeerPort, ushort LocalPort, uint SndUna);

    private struct Tally
    {
        public long Lines;
        public DateTime First;
        public DateTime Last;
        public uint MaxBytesInFlight;
        public int LongestStallMs;

        public void Add(long lines, uint bytesInFlight, int stallMs, DateTime first, DateTime last)
        {
            Lines += lines;
            MaxBytesInFlight = Math.Max(MaxBytesInFlight, bytesInFlight);
            LongestStallMs = Math.Max(LongestStallMs, stallMs);
            if (first != default && (First == default || first < First))
            {
                First = first;
            }
            if (last != default && last > Last)
            {
                Last = last;
            }
        }
    }
}
