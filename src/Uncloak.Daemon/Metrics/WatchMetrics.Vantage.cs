using System.Collections.Concurrent;
using System.Text;
using Uncloak.Core.Forensics;

namespace Uncloak.Daemon.Metrics;

/// <summary>The vantage probes' series: one per probe, vantage point and target.</summary>
public sealed partial class WatchMetrics
{
    private readonly ConcurrentDictionary<(string Probe, Vantage Vantage, string Target), VantageGauge> _vantage = new();

    /// <summary>The last result of one vantage target, and its failures so far.</summary>
    public sealed class VantageGauge
    {
        public int Up;
        public double LatencySeconds;
        public long Failures;
    }

    /// <summary>Records one vantage result of <paramref name="probe"/>.</summary>
    public void Vantage(string probe, VantageProbe result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var gauge = _vantage.GetOrAdd((probe, result.Vantage, result.Target), _ => new VantageGauge());
        gauge.Up = result.Ok ? 1 : 0;
        gauge.LatencySeconds = result.Latency.TotalSeconds;
        if (!result.Ok)
        {
            Interlocked.Increment(ref gauge.Failures);
        }
    }

    private void RenderVantage(StringBuilder sb)
    {
        var series = _vantage.ToArray().OrderBy(v => v.Key.Probe, StringComparer.Ordinal).ThenBy(v => v.Key.Vantage).ThenBy(v => v.Key.Target, StringComparer.Ordinal)
            .Select(v => (Labels: new[] { ("probe", v.Key.Probe), ("vantage", v.Key.Vantage.ToString().ToLowerInvariant()), ("target", v.Key.Target) }, v.Value)).ToList();
        Header(sb, "uncloak_vantage_up", "gauge", "1 when the last vantage probe (self, gateway, upstream) of a target passed.");
        series.ForEach(s => Line(sb, "uncloak_vantage_up", s.Labels, s.Value.Up));
        Header(sb, "uncloak_vantage_latency_seconds", "gauge", "Round trip of the last vantage probe (ICMP echo or TCP connect), or how long it waited before failing.");
        series.ForEach(s => Line(sb, "uncloak_vantage_latency_seconds", s.Labels, s.Value.LatencySeconds));
        Header(sb, "uncloak_vantage_failures_total", "counter", "Failed vantage probes per target.");
        series.ForEach(s => Line(sb, "uncloak_vantage_failures_total", s.Labels, Interlocked.Read(ref s.Value.Failures)));
    }
}
