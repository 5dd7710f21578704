namespace Uncloak.Core.Forensics.Fleet;

/// <summary>
/// An outage one host of the fleet reported: its probe failed from <see cref="Start"/> to <see cref="End"/> (null while
/// open). <see cref="Of"/> is set for a cross-probe: the service <c>HOST/PROBE</c> of another host, seen from this one.
/// </summary>
public sealed record FleetOutage(string Host, string Probe, DateTime Start, DateTime? End, string Cause, string? Of = null)
{
    /// <summary>The end, or <paramref name="now"/> for an outage still open.</summary>
    public DateTime EndOr(DateTime now) => End ?? (now > Start ? now : Start);
}
