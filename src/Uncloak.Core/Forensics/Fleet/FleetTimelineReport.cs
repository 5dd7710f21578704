namespace Uncloak.Core.Forensics.Fleet;

/// <summary>The fleet's outages and incidents on one timeline (by start, then host) and what they say together.</summary>
public sealed record FleetTimelineReport(IReadOnlyList<FleetOutage> Outages, IReadOnlyList<FleetPeerAlert> PeerAlerts, IReadOnlyList<FleetFinding> Findings)
{
    /// <summary>Each host's own incidents (its local verdicts), by start then host.</summary>
    public IReadOnlyList<FleetIncident> Incidents { get; init; } = [];
}
