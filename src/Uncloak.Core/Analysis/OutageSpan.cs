using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>An outage as the correlation sees it.</summary>
public sealed record OutageSpan(string Probe, DateTime Start, DateTime? End, string Cause, string Detail);
