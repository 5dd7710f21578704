using System.Globalization;
using System.Text;

namespace Uncloak.Core.Forensics;

/// <summary>
/// Writes vantage probe results as an incident bundle's probe file (<c># uncloak probes</c>, then
/// <c>TIME VANTAGE TARGET RESULT LATENCY</c> per line), the format <c>analyze</c> reads back. Pure.
/// </summary>
public static class VantageProbeText
{
    /// <summary>The probe file's text for <paramref name="probes"/>, in the order given.</summary>
    public static string Format(IEnumerable<VantageProbe> probes)
    {
        ArgumentNullException.ThrowIfNull(probes);
        var sb = new StringBuilder("# uncloak probes\n");
        foreach (var p in probes)
        {
            sb.Append(p.Time.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ')
              .Append(p.Vantage.ToString().ToLowerInvariant()).Append(' ')
              .Append(p.Target.Length == 0 ? "-" : p.Target).Append(' ')
              .Append(p.Ok ? "ok" : p.Failure.Length == 0 ? VantageFailure.Error : p.Failure).Append(' ')
              .Append(p.Latency.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)).Append("ms\n");
        }
        return sb.ToString();
    }
}
