using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Treason lines folded into episodes, keyed by (peer, ports, snd_una), with plain struct values: at a million
/// stalls an object per episode doubled the analysis's memory. The table is split into <see cref="Parts"/> small
/// dictionaries by hash: one dictionary of a million entries grows by reallocating arrays of tens of megabytes on the
/// large-object heap, which the GC leaves standing until a full collection, so the process held several dead copies;
/// small parts grow in the young generations, where garbage is gone at the next collection. Bounded: a hostile log
/// cannot make it keep more than <see cref="Limit"/> episodes. Parallel readers share one table (see
/// <see cref="PeerTable"/> for why): each part has its own lock.
/// </summary>
internal sealed class EpisodeTable
{
    public const int Limit = 1_000_000;

    private const int Parts = 1024;

    private readonly Dictionary<Key, Tally>?[] _parts = new Dictionary<Key, Tally>?[Parts];
    private readonly Lock[] _locks = [.. Enumerable.Range(0, Parts).Select(_ => new Lock())];
    private int _count;

    public int Count => Volatile.Read(ref _count);

    public void Add(in NetEvent ev, DateTime time, long weight)
        => Add(new Key(ev.Peer, ev.PeerPort, ev.LocalPort, ev.SeqFrom), new Tally(weight, time, time, ev.BytesInFlight, ev.Millis2));

    public void Merge(EpisodeTable other)
    {
        for (int p = 0; p < Parts; p++)
        {
            if (other._parts[p] is not { } theirs)
            {
                continue;
            }
            lock (_locks[p])
            {
                if (_parts[p] is null && Count + theirs.Count <= Limit)
                {
                    _parts[p] = theirs; // nothing here yet: take the other table's part as it is
                    Interlocked.Add(ref _count, theirs.Count);
                    continue;
                }
            }
            foreach (var (key, tally) in theirs)
            {
                Add(key, tally);
            }
        }
    }

    private void Add(Key key, Tally tally)
    {
        int p = PartOf(key);
        lock (_locks[p])
        {
            var part = _parts[p] ??= [];
            ref var slot = ref CollectionsMarshal.GetValueRefOrNullRef(part, key);
            if (!System.Runtime.CompilerServices.Unsafe.IsNullRef(ref slot))
            {
                slot.Add(tally);
            }
            else if (Count < Limit)
            {
                part[key] = tally;
                Interlocked.Increment(ref _count);
            }
        }
    }

    /// <summary>
    /// Every stall of one connection lands in the same part (the hash leaves snd_una out), so <see cref="Summarize"/>
    /// counts connections one part at a time instead of in one table of every connection: at half a million stalls that
    /// table's arrays were 40 MB on the large-object heap at the report's memory peak (issue 18 item 6).
    /// </summary>
    private static int PartOf(in Key key) => (int)((uint)HashCode.Combine(key.Peer, key.PeerPort, key.LocalPort) % Parts);

    /// <summary>How many episodes reports list in order.</summary>
    public const int TopCount = 100;

    /// <summary>
    /// Report order: most lines first, then oldest first, then by peer, ports and snd_una — a total order, so reports do
    /// not depend on hashing.
    /// </summary>
    public static int Compare(in TreasonEpisode a, in TreasonEpisode b)
    {
        int c = b.Lines.CompareTo(a.Lines);
        c = c != 0 ? c : a.First.CompareTo(b.First);
        c = c != 0 ? c : a.Peer.CompareTo(b.Peer);
        c = c != 0 ? c : a.PeerPort.CompareTo(b.PeerPort);
        c = c != 0 ? c : a.LocalPort.CompareTo(b.LocalPort);
        return c != 0 ? c : a.SndUna.CompareTo(b.SndUna);
    }

    /// <summary>
    /// The first <see cref="TopCount"/> episodes in report order and the statistics over all, in one pass; directions
    /// judged by <paramref name="ports"/>.
    /// </summary>
    public EpisodeSummary Summarize(ServicePorts ports)
    {
        if (Count == 0)
        {
            return EpisodeSummary.Empty;
        }
        var statistics = new EpisodeStatistics.Accumulator(Count);
        var top = new TreasonEpisode[TopCount];
        int kept = 0;
        foreach (var part in _parts)
        {
            if (part is null)
            {
                continue;
            }
            statistics.NextPart();
            foreach (var (k, t) in part)
            {
                var e = new TreasonEpisode(k.Peer, k.PeerPort, k.LocalPort, k.SndUna, t.MaxBytesInFlight, t.Lines,
                    t.First != default ? t.First : DateTime.MaxValue, t.Last == default ? DateTime.MinValue : t.Last, t.LongestStallMs,
                    ports.DirectionOf(k.LocalPort, k.PeerPort));
                statistics.Add(e);
                // A sorted array of the worst kept so far: most episodes lose to the last one in one comparison.
                if (kept == TopCount && Compare(e, top[kept - 1]) >= 0)
                {
                    continue;
                }
                int at = kept < TopCount ? kept++ : kept - 1;
                while (at > 0 && Compare(e, top[at - 1]) < 0)
                {
                    top[at] = top[at - 1];
                    at--;
                }
                top[at] = e;
            }
        }
        return new EpisodeSummary(Count, top[..kept], statistics.Result());
    }

    private readonly record struct Key(NetAddress Peer, ushort PeerPort, ushort LocalPort, uint SndUna);

    private struct Tally(long lines, DateTime first, DateTime last, uint maxBytesInFlight, int longestStallMs)
    {
        public long Lines = lines;
        public DateTime First = first;
        public DateTime Last = last;
        public uint MaxBytesInFlight = maxBytesInFlight;
        public int LongestStallMs = longestStallMs;

        /// <summary>Folds in more lines of the same stall; <c>default</c> times mean "no clock".</summary>
        public void Add(Tally more)
        {
            Lines += more.Lines;
            MaxBytesInFlight = Math.Max(MaxBytesInFlight, more.MaxBytesInFlight);
            LongestStallMs = Math.Max(LongestStallMs, more.LongestStallMs);
            if (more.First != default && (First == default || more.First < First))
            {
                First = more.First;
            }
            if (more.Last != default && more.Last > Last)
            {
                Last = more.Last;
            }
        }
    }
}
