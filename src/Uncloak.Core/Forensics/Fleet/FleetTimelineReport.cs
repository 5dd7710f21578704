namespace Uncloak.Core.Forensics.Fleet;

/// <summary>The fleet's outages on one timeline (by start, then host) and what they say together.</summary>
public sealed record FleetTimelineReport(IReadOnlyList<FleetOutage> Outages, IReadOnlyList<FleetPeerAlert> PeerAlerts, IReadOnlyList<FleetFinding> Findings);
