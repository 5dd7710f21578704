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
        var ports = new List<ushort>();
        for (int p = 1; p < totals.Length; p++)
        {
            if (totals[p] != 0)
            {
                ports.Add((ushort)p);
            }
        }
        ports.Sort((a, b) => totals[a] != totals[b] ? totals[b].CompareTo(totals[a]) : a.CompareTo(b));
        var busiest = new List<PortStats>(Math.Min(ports.Count, ReportedPorts));
        foreach (ushort port in ports.Take(ReportedPorts))
        {
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
