namespace Uncloak.Core.Forensics.Fleet;

/// <summary>
/// One conclusion of <see cref="FleetTimeline"/>: its kind, the stretch of time, the hosts involved (sorted), the peer for
/// <see cref="FleetFindingKind.PeerOnSeveralHosts"/>, and a sentence for the admin.
/// </summary>
public sealed record FleetFinding(FleetFindingKind Kind, DateTime Start, DateTime End, IReadOnlyList<string> Hosts, string? Peer, string Text);
