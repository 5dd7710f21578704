namespace Uncloak.Core.Analysis;

/// <summary>
/// A window in which the log itself shows service was disrupted (see <see cref="DisruptionTimeline"/> for the one
/// definition both <c>analyze</c> and <c>report</c> use).
/// </summary>
/// <param name="Start">When the first line showing it was logged.</param>
/// <param name="End">When the last of its signals stops counting (link back up, or the signal's hold after its line).</param>
/// <param name="Cause">The distinct causes of its signals, in order of first appearance, comma-separated.</param>
/// <param name="Signals">How many signals (lines, or down→up link pairs) were merged into it.</param>
public sealed record Disruption(DateTime Start, DateTime End, string Cause, long Signals);
