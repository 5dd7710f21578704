namespace Uncloak.Core.Decisions;

/// <summary>A ban's length and how it grows for repeat offenders (<c>factor</c>^repeats, at most <c>max</c>).</summary>
public sealed record BanAction(TimeSpan Duration, double EscalateFactor, TimeSpan MaxDuration);
