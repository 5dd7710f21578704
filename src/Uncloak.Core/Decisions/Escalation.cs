namespace Uncloak.Core.Decisions;

/// <summary>
/// Repeat offenders get longer bans: the n-th repeat (counted within <see cref="Lookback"/>) lasts
/// requested × <see cref="Factor"/>^n, never more than <see cref="Cap"/>.
/// </summary>
public sealed record Escalation(double Factor, TimeSpan Cap, TimeSpan Lookback)
{
    /// <summary>×4 per repeat, at most 30 days, counting bans of the last 30 days.</summary>
    public static Escalation Default { get; } = new(4, TimeSpan.FromDays(30), TimeSpan.FromDays(30));

    /// <summary>No escalation: every ban lasts what was asked.</summary>
    public static Escalation None { get; } = new(1, TimeSpan.MaxValue, TimeSpan.Zero);

    public TimeSpan DurationFor(TimeSpan requested, int priorBans)
    {
        if (priorBans <= 0 || Factor <= 1)
        {
            return requested;
        }
        double seconds = requested.TotalSeconds * Math.Pow(Factor, priorBans);
        double cap = Cap == TimeSpan.MaxValue ? double.MaxValue : Cap.TotalSeconds;
        // A request longer than the cap stays as asked: the cap limits growth, it never shortens a deliberate ban.
        return TimeSpan.FromSeconds(Math.Max(requested.TotalSeconds, Math.Min(seconds, cap)));
    }
}
