namespace Uncloak.Bench.BusWatchers;

/// <summary>Nearest-rank percentiles: the value at rank ⌈p/100 · n⌉ of the sorted samples (NaN for none).</summary>
internal static class Percentiles
{
    public static double Of(List<double> samples, double p)
    {
        if (samples.Count == 0)
        {
            return double.NaN;
        }
        var sorted = samples.Order().ToArray();
        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
