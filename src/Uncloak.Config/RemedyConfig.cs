namespace Uncloak.Config;

/// <summary>An outage remedy: a command (argument array, no shell), at most <c>MaxAttempts</c> per outage with doubling backoff, never when one of <c>NotWhen</c> preceded the outage.</summary>
public sealed record RemedyConfig(IReadOnlyList<string> Command, int MaxAttempts, TimeSpan Backoff, IReadOnlyList<Core.Events.EventKind> NotWhen);
