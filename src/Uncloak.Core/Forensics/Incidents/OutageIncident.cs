using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Core.Forensics.Incidents;

/// <summary>
/// An outage's incident as the report shows it: the stored row (layer, confidence, ranks, summary, bundle) and, when
/// its bundle could be read again, the verdict with the evidence and the reasoning; <see cref="Problems"/> says why
/// the bundle could not be read, or which of its files failed their checksum.
/// </summary>
public sealed record OutageIncident(Incident Incident, Verdict? Verdict, IReadOnlyList<string> Problems)
{
    /// <summary>The row alone, when the bundle was not read (text output needs no evidence).</summary>
    public static OutageIncident Of(Incident incident) => new(incident, null, []);
}
