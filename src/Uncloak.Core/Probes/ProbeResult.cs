namespace Uncloak.Core.Probes;

/// <summary>One health check: when, whether it passed, and if not, a short cause class and the details.</summary>
public sealed record ProbeResult(DateTime Time, bool Ok, string Cause, string Detail, TimeSpan Latency)
{
    public static ProbeResult Pass(DateTime time, TimeSpan latency) => new(time, true, "", "", latency);
}
