using Uncloak.Core.Probes;

namespace Uncloak.Config;

/// <summary>
/// An outage remedy: steps run in order (commands as argument arrays, no shell; unit restarts over D-Bus; the first failure
/// stops the rest), at most <c>MaxAttempts</c> per outage with doubling backoff, never when one of <c>NotWhen</c> preceded the outage.
/// </summary>
public sealed record RemedyConfig(IReadOnlyList<RemedyStep> Steps, int MaxAttempts, TimeSpan Backoff, IReadOnlyList<Core.Events.EventKind> NotWhen);
