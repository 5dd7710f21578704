using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

public sealed record CorrelationReport(TimeSpan Window, DateTime HistoryStart, DateTime HistoryEnd, IReadOnlyList<OutageLeadUp> Outages, IReadOnlyList<KindLift> Lifts);
