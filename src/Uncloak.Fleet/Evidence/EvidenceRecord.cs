namespace Uncloak.Fleet.Evidence;

/// <summary>
/// One piece of evidence a host publishes to the evidence stream, on its own subject (see <see cref="FleetEvidence.Subject"/>),
/// rewritten when it changes (an outage that ends, a peer that alerts again): the stream keeps the last one per subject.
/// <see cref="Kind"/> is <c>outage</c> (probe, start, end, cause), <c>peer</c> (peer, scenario, alerts, first, last) or
/// <c>incident</c> (incident id, probe, start, end, and the host's own verdict: layer, confidence, summary).
/// </summary>
public sealed record EvidenceRecord
{
    public const string Outage = "outage";
    public const string Peer = "peer";
    public const string Incident = "incident";

    public required string Kind { get; init; }

    /// <summary>The publishing host; a reader drops a record whose host is not the one in its subject.</summary>
    public required string Host { get; init; }

    public string? Probe { get; init; }

    /// <summary>For a cross-probe's outage: the other host's service it checks, <c>HOST/PROBE</c>.</summary>
    public string? Of { get; init; }

    public DateTime? Start { get; init; }

    public DateTime? End { get; init; }

    public string? Cause { get; init; }

    public string? IncidentId { get; init; }

    public string? Layer { get; init; }

    public double Confidence { get; init; }

    public string? Summary { get; init; }

    public string? PeerAddress { get; init; }

    public string? Scenario { get; init; }

    public int Alerts { get; init; }

    public DateTime? First { get; init; }

    public DateTime? Last { get; init; }
}
