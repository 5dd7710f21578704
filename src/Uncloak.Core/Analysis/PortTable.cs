using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Events per local port and kind, as flat arrays indexed by port (one per kind that carries a local port). A scan
/// of random ports touches all 65,536 of them: an object with its own counts per port cost 12 MB per reader and three
/// pointer hops per event; this costs half a megabyte per kind and one add.
/// </summary>
internal sealed class PortTable
{
    /// <summary>How many ports a report lists at most (most events first).</summary>
    public const int ReportedPorts = 1000;

    private readonly long[]?[] _byKind = new long[]?[64];

    public void Add(EventKind kind, ushort port, long weight)
    {
        int k = (int)kind & 63;
        (_byKind[k] ??= new long[65536])[port] += weight;
    }

    public void Merge(PortTable other)
    {
        for (int k = 0; k < _byKind.Length; k++)
        {
            if (other._byKind[k] is not { } theirs)
            {
                continue;
            }
            var mine = _byKind[k] ??= new long[65536];
            for (int p = 0; p < theirs.Length; p++)
            {
                mine[p] += theirs[p];
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
        foreach (var counts in _byKind)
        {
            if (counts is null)
            {
                continue;
            }
            for (int p = 1; p < counts.Length; p++)
            {
                totals[p] += counts[p];
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
                if (_byKind[k] is { } counts && counts[port] != 0)
                {
                    stats.Counts.Add((EventKind)k, counts[port]);
                }
            }
            busiest.Add(stats);
        }
        return busiest;
    }
}
