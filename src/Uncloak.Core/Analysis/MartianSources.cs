using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>One bad source of martian packets and the interface they came in on.</summary>
public sealed record MartianSource(NetAddress Source, string? Device, long Packets);

/// <summary>
/// The sources martian lines name, per interface, counted: a steady source on one interface is a misconfigured neighbour
/// to go and find, a spread of them is spoofing. Bounded: beyond <see cref="MaxSources"/> pairs only the count grows.
/// Not thread-safe: each parallel reader's builder has its own, merged in file order.
/// </summary>
/// <param name="limit">
/// Pairs kept by name. A parallel reader's table keeps more than a report shows (<see cref="RangeLimit"/>): its range
/// does not know which pairs the ranges before it kept, and a pair it counted as one of "the others" could not be given
/// back to a pair kept earlier in the file (2 M lines read in two ranges named other counts than a sequential read).
/// </param>
public sealed class MartianSources(int limit = MartianSources.MaxSources)
{
    /// <summary>Distinct (source, interface) pairs kept by name; the rest are counted in <see cref="Others"/>.</summary>
    public const int MaxSources = 64;

    /// <summary>Pairs a parallel reader's table keeps: as a sequential read counts unless a range names more.</summary>
    public const int RangeLimit = 4096;

    private readonly Dictionary<(NetAddress Source, string? Device), long> _sources = [];

    /// <summary>Martian packets whose (source, interface) pair came after the table was full.</summary>
    public long Others { get; private set; }

    public void Add(in NetEvent ev, long weight) => Add(ev.Peer, ev.Interface, weight);

    /// <summary>Takes in the table of the range that follows (a dictionary enumerates in insertion order: file order).</summary>
    public void Merge(MartianSources other)
    {
        foreach (var ((source, device), packets) in other._sources)
        {
            Add(source, device, packets);
        }
        Others += other.Others;
    }

    /// <summary>The most frequent first.</summary>
    public IReadOnlyList<MartianSource> Ordered()
        => _sources.Select(s => new MartianSource(s.Key.Source, s.Key.Device, s.Value))
            .OrderByDescending(s => s.Packets).ThenBy(s => s.Source).ThenBy(s => s.Device, StringComparer.Ordinal).ToList();

    private void Add(NetAddress source, string? device, long weight)
    {
        var key = (source, device);
        if (_sources.TryGetValue(key, out long n))
        {
            _sources[key] = n + weight;
        }
        else if (_sources.Count < limit)
        {
            _sources[key] = weight;
        }
        else
        {
            Others += weight;
        }
    }
}
