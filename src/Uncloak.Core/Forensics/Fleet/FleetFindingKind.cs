namespace Uncloak.Core.Forensics.Fleet;

/// <summary>What the fleet's timeline says about a group of reports.</summary>
public enum FleetFindingKind : byte
{
    /// <summary>Outages on several hosts overlapping in time: a shared upstream or a common attacker, not one server's fault.</summary>
    SharedOutage = 1,

    /// <summary>An outage on one host only while the others saw nothing: that host (or its own path).</summary>
    LoneOutage = 2,

    /// <summary>One peer raising alerts on several hosts: an attacker working through the fleet.</summary>
    PeerOnSeveralHosts = 3,

    /// <summary>Other hosts could not reach a host's service while the host saw it up: the network path between them.</summary>
    NetworkPath = 4,

    /// <summary>A host's service down as the host itself saw it (others' cross-probes agreeing or not): local to that host.</summary>
    Local = 5,
}
