namespace Uncloak.Core.Audit;

/// <summary>How an interface's statistics grew between two readings (`uncloak audit --sample SECONDS`): growing error counters are a live fault, static ones a past event.</summary>
public sealed record CounterGrowth(TimeSpan Interval, IReadOnlyDictionary<string, long> Deltas)
{
    public long Delta(string name) => Deltas.TryGetValue(name, out var d) ? d : 0;

    /// <summary>
    /// The later snapshot with each interface's growth since the earlier one. Counters that went backwards (driver
    /// reloaded, 32-bit wrap) count as unknown and are left out rather than reported as negative growth.
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
            var deltas = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (var (name, value) in i.Statistics)
            {
                if (old.Statistics.TryGetValue(name, out var was) && value >= was)
                {
                    deltas[name] = value - was;
                }
            }
            return i with { Growth = new CounterGrowth(interval, deltas) };
        }).ToList();
        return later with { Interfaces = interfaces };
    }
}
