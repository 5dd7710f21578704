namespace Uncloak.Config;

/// <summary>
/// An outage remedy: commands run in order (argument arrays, no shell; the first failure stops the rest), at most
/// <c>MaxAttempts</c> per outage with doubling backoff, never when one of <c>NotWhen</c> preceded the outage.
/// </summary>
public sealed record RemedyConfig(IReadOnlyList<IReadOnlyList<string>> Commands, int MaxAttempts, TimeSpan Backoff, IReadOnlyList<Core.Events.EventKind> NotWhen);
