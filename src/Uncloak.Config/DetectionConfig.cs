using Uncloak.Core.Decisions;
using Uncloak.Core.Detection;

namespace Uncloak.Config;

/// <summary>The scenarios and remediation profiles in force, after drop-ins were applied and everything validated.</summary>
public sealed record DetectionConfig(IReadOnlyList<Scenario> Scenarios, IReadOnlyDictionary<string, RemediationProfile> Profiles);
