namespace Uncloak.Core.Forensics.Dumps;

/// <summary>
/// One <c>ethtool -S IF</c> output: the driver's statistics by its own names (e1000e <c>rx_missed_errors</c>, mlx5
/// <c>rx_out_of_buffer</c>, virtio_net <c>rx_queue_0_drops</c>, bnxt <c>[0]: rx_ucast_packets</c>). The names vary by
/// driver, so the rules look them up by pattern (<see cref="Sum"/>).
/// </summary>
public sealed class NicStatistics
{
    public NicStatistics(string device) => Device = device;

    /// <summary>The interface, from the <c>ethtool -S IF</c> command line when the paste shows it; "" when unknown.</summary>
    public string Device { get; }

    public IReadOnlyDictionary<string, long> Values => _values;

    internal readonly Dictionary<string, long> _values = new(StringComparer.Ordinal);

    public long? Value(string name) => _values.TryGetValue(name, out long v) ? v : null;

    /// <summary>The sum of every statistic whose name contains one of <paramref name="parts"/> (per-queue counters add up).</summary>
    public long Sum(params ReadOnlySpan<string> parts)
    {
        long sum = 0;
        foreach (var (name, value) in _values)
        {
            foreach (var part in parts)
            {
                if (name.Contains(part, StringComparison.Ordinal))
                {
                    sum += value;
                    break;
                }
            }
        }
        return sum;
    }
}
