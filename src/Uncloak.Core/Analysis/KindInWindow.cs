using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>One kind's events in an outage's lead-up: count, what the baseline would predict, and their ratio (+1 smoothed).</summary>
public sealed record KindInWindow(EventKind Kind, long Count, double Expected, double Unusualness);
