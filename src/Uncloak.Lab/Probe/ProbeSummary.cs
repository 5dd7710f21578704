namespace Uncloak.Lab.Probe;

/// <summary>Availability and latency over a set of probe samples. Latency percentiles are over the successful requests.</summary>
public sealed record ProbeSummary(int Requests, int Succeeded, double Availability, double? P50Millis, double? P95Millis)
{
    public static ProbeSummary Of(IReadOnlyList<ProbeSample> samples)
    {
        var ok = samples.Where(s => s.Ok).Select(s => s.Latency.TotalMilliseconds).Order().ToArray();
        return new ProbeSummary(samples.Count, ok.Length, samples.Count == 0 ? 0 : (double)ok.Length / samples.Count,
            Percentile(ok, 0.50), Percentile(ok, 0.95));
    }

    /// <summary>Nearest-rank percentile of sorted values; null when there are none.</summary>
    public static double? Percentile(double[] sorted, double p)
        => sorted.Length == 0 ? null : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
