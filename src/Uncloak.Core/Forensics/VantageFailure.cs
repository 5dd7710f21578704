namespace Uncloak.Core.Forensics;

/// <summary>
/// The failure classes a vantage probe records (<see cref="VantageProbe.Failure"/>), as the localization rules and the
/// bundle's probe file spell them. One word each, no spaces: the bundle's probe file is whitespace-separated.
/// </summary>
public static class VantageFailure
{
    /// <summary>No answer within the probe's timeout: packets are dropped somewhere (a blackhole, a dead link, a full queue).</summary>
    public const string Timeout = "timeout";

    /// <summary>A TCP connect was answered with a reset: the host is there, nothing listens (or a firewall rejects).</summary>
    public const string Refused = "refused";

    /// <summary>An ICMP unreachable came back, or the local stack has no route: somebody on the way said "not from here".</summary>
    public const string Unreachable = "unreachable";

    /// <summary>An ICMP time exceeded came back: a routing loop or a path longer than the TTL.</summary>
    public const string TimeExceeded = "ttl-exceeded";

    /// <summary>The gateway's neighbour entry is FAILED: it did not answer ARP/ND.</summary>
    public const string NeighbourFailed = "neigh-failed";

    /// <summary>The gateway's neighbour entry is INCOMPLETE: ARP/ND was asked and not (yet) answered.</summary>
    public const string NeighbourIncomplete = "neigh-incomplete";

    /// <summary>The route table has no default gateway: nothing beyond the LAN is reachable by design or by accident.</summary>
    public const string NoGateway = "no-gateway";

    /// <summary>The connection was reset after it was set up.</summary>
    public const string Reset = "reset";

    /// <summary>Anything else the local stack refused (an errno the classes above do not cover).</summary>
    public const string Error = "error";
}
