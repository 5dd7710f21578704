namespace Uncloak.Core.Forensics.Fleet;

/// <summary>
/// An incident one host captured and localized on its own (its bundle stays on that host): the probe, when, and the
/// verdict in short — the layer's name, the confidence and the summary.
/// </summary>
public sealed record FleetIncident(string Host, string Id, string Probe, DateTime Start, DateTime? End, string Layer, double Confidence, string Summary);
