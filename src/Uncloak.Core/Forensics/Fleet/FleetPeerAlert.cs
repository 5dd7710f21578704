namespace Uncloak.Core.Forensics.Fleet;

/// <summary>One host's summary of the alerts one peer raised there under one scenario.</summary>
public sealed record FleetPeerAlert(string Host, string Peer, string Scenario, int Alerts, DateTime First, DateTime Last);
