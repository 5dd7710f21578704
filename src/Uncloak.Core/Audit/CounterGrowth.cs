namespace Uncloak.Core.Audit;

/// <summary>How an interface's statistics grew between two readings (`uncloak audit --sample SECONDS`): growing error counters are a live fault, static ones a past event.</summary>
public sealed record CounterGrowth(TimeSpan Interval, IReadOnlyDictionary<string, long> Deltas)
{
    /// <summary>Growth of the driver's own counters (ethtool -S), by the driver's names; empty when either reading had none.</summary>
    public IReadOnlyDictionary<string, long> EthtoolDeltas { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    public long Delta(string name) => Deltas.TryGetValue(name, out var d) ? d : 0;

    public long EthtoolDelta(string name) => EthtoolDeltas.TryGetValue(name, out var d) ? d : 0;

    /// <summary>
    /// The later snapshot with each interface's growth since the earlier one (sysfs and driver counters), and the
    /// earlier qdisc statistics beside the later ones. Counters that went backwards (driver reloaded, 32-bit wrap) count
    /// as unknown and are left out rather than reported as negative growth.
    /// </summary>
    public static SystemSnapshot Between(SystemSnapshot earlier, SystemSnapshot later, TimeSpan interval)
    {
        var before = earlier.Interfaces.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var interfaces = later.Interfaces.Select(i =>
        {
            if (!before.TryGetValue(i.Name, out var old))
            {
                return i;
            }
            var ethtool = old.Ethtool is { } a && i.Ethtool is { } b ? Diff(a.Statistics, b.Statistics) : new SortedDictionary<string, long>(StringComparer.Ordinal);
            return i with { Growth = new CounterGrowth(interval, Diff(old.Statistics, i.Statistics)) { EthtoolDeltas = ethtool } };
        }).ToList();
        return later with { Interfaces = interfaces, QdiscsBefore = earlier.QdiscsKnown ? earlier.Qdiscs : null, SampleInterval = interval };
    }

    private static SortedDictionary<string, long> Diff(IReadOnlyDictionary<string, long> before, IReadOnlyDictionary<string, long> after)
    {
        var deltas = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var (name, value) in after)
        {
            if (before.TryGetValue(name, out var was) && value >= was)
            {
                deltas[name] = value - was;
            }
        }
        return deltas;
    }
}
