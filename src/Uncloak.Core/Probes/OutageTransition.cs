namespace Uncloak.Core.Probes;

/// <summary>What <see cref="OutageTracker.Observe"/> concluded: nothing, an outage started (at <see cref="Start"/>), or ended (at <see cref="At"/>).</summary>
public readonly record struct OutageTransition(OutageChange Change, DateTime Start, DateTime At, string Cause, string Detail)
{
    public static OutageTransition None => default;
}
