using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Events per local port and kind, in pages of ports indexed by port (one set per kind that carries a local port). A
/// scan of random ports touches all 65,536 of them: an object with its own counts per port cost 12 MB per reader and
/// three pointer hops per event; this costs at most half a megabyte per kind and one add. Pages of 1,024 ports, not
/// one array of 65,536: that was a large object for each parallel reader's range and kind, and every large-object
/// allocation brings the next full collection closer (issue 18, item 6).
/// </summary>
internal sealed class PortTable
{
    /// <summary>How many ports a report lists at most (most events first).</summary>
    public const int ReportedPorts = 1000;

    private const int PageBits = 10, PageSize = 1 << PageBits, Pages = 65536 >> PageBits;

    private readonly long[]?[]?[] _byKind = new long[]?[]?[64];

    /// <summary>The largest total a port's sort key holds (<see cref="Busiest"/>): 2^47 events, far beyond any log.</summary>
    private const long MaxTotal = long.MaxValue >> 16;

    public void Add(EventKind kind, ushort port, long weight)
    {
        int k = (int)kind & 63;
        ((_byKind[k] ??= new long[]?[Pages])[port >> PageBits] ??= new long[PageSize])[port & (PageSize - 1)] += weight;
    }

    public void Merge(PortTable other)
    {
        for (int k = 0; k < _byKind.Length; k++)
        {
            if (other._byKind[k] is not { } theirs)
            {
                continue;
            }
            var mine = _byKind[k] ??= new long[]?[Pages];
            for (int page = 0; page < Pages; page++)
            {
                if (theirs[page] is not { } counts)
                {
                    continue;
                }
                if (mine[page] is not { } into)
                {
                    mine[page] = counts; // nothing of ours to add to: the reader's page is taken as it is
                    continue;
                }
                for (int i = 0; i < PageSize; i++)
                {
                    into[i] += counts[i];
                }
            }
        }
    }

    /// <summary>
    /// The busiest ports (at most <see cref="ReportedPorts"/>), most events first, then by port number, with how many
    /// distinct peers touched each (<paramref name="distinctPeers"/>, indexed by port).
    /// </summary>
    public List<PortStats> Busiest(int[] distinctPeers)
    {
        var totals = new long[65536];
        foreach (var pages in _byKind)
        {
            if (pages is null)
            {
                continue;
            }
            for (int p = 1; p < totals.Length; p++)
            {
                totals[p] += pages[p >> PageBits] is { } counts ? counts[p & (PageSize - 1)] : 0;
            }
        }
        // Ordered as one long a port (the total's complement above the port number) by the primitive sort: a scan touches
        // every port, and 65,535 ports sorted by a comparison of their totals through a delegate were ≈ 10 ms of the
        // report's tail (issue 18, item 6).
        var keys = new long[65536];
        int n = 0;
        for (int p = 1; p < totals.Length; p++)
        {
            if (totals[p] != 0)
            {
                keys[n++] = ((MaxTotal - Math.Min(totals[p], MaxTotal)) << 16) | (long)p;
            }
        }
        Array.Sort(keys, 0, n);
        var ports = keys.AsSpan(0, n);
        var busiest = new List<PortStats>(Math.Min(n, ReportedPorts));
        foreach (long key in ports[..Math.Min(n, ReportedPorts)])
        {
            ushort port = (ushort)key;
            var stats = new PortStats(port) { DistinctPeers = distinctPeers[port] };
            for (int k = 0; k < _byKind.Length; k++)
            {
                if (_byKind[k]?[port >> PageBits] is { } counts && counts[port & (PageSize - 1)] != 0)
                {
                    stats.Counts.Add((EventKind)k, counts[port & (PageSize - 1)]);
                }
            }
            busiest.Add(stats);
        }
        return busiest;
    }
}
