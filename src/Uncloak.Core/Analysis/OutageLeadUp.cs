using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

public sealed record OutageLeadUp(OutageSpan Outage, IReadOnlyList<KindInWindow> Kinds);
