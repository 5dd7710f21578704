namespace Uncloak.Store.Watch;

/// <summary>A stretch of time a health probe failed: start, end (null while ongoing), and why.</summary>
public sealed record Outage(long Id, string Probe, DateTime Start, DateTime? End, string Cause, string Detail)
{
    public TimeSpan? Duration => End - Start;
}
