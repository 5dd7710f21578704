using System.Globalization;

namespace Uncloak.Core.Forensics.Fleet;

/// <summary>
/// Puts the outages and peer alerts several hosts reported on one timeline, without I/O or clock: outages that overlap
/// in time (open ones up to <c>now</c>) form one episode; an episode on several hosts is not a server's fault (a shared
/// upstream or a common attacker), an episode on one host is that host's. Peer alerts are grouped by peer; a peer
/// alerting on several hosts is reported once with every host it hit. Cross-probes (an outage with <see cref="FleetOutage.Of"/>:
/// another host's service seen from here) do not join episodes; each is judged against the host's own outages of that
/// probe: the host saw it too → local to the host; the host saw it up → the network path between them.
/// </summary>
public static class FleetTimeline
{
    /// <summary>
    /// Builds the report. <paramref name="slack"/> joins outages whose starts and ends are this close without overlapping
    /// (hosts probe on their own intervals, so the same upstream failure starts a few seconds apart).
    /// </summary>
    public static FleetTimelineReport Build(IEnumerable<FleetOutage> outages, IEnumerable<FleetPeerAlert> alerts, DateTime now, TimeSpan slack)
    {
        ArgumentNullException.ThrowIfNull(outages);
        ArgumentNullException.ThrowIfNull(alerts);
        var sorted = outages.OrderBy(o => o.Start).ThenBy(o => o.Host, StringComparer.Ordinal).ThenBy(o => o.Probe, StringComparer.Ordinal).ToList();
        var own = sorted.Where(o => o.Of is null).ToList();
        var findings = new List<FleetFinding>();
        int i = 0;
        while (i < own.Count)
        {
            var start = own[i].Start;
            var end = own[i].EndOr(now);
            int j = i + 1;
            while (j < own.Count && own[j].Start <= end + slack)
            {
                var e = own[j].EndOr(now);
                end = e > end ? e : end;
                j++;
            }
            findings.Add(Episode(own.GetRange(i, j - i), start, end));
            i = j;
        }
        foreach (var cross in sorted.Where(o => o.Of is not null))
        {
            findings.Add(Cross(cross, own, now, slack));
        }
        var peerAlerts = alerts.OrderBy(a => a.First).ThenBy(a => a.Host, StringComparer.Ordinal).ToList();
        foreach (var peer in peerAlerts.GroupBy(a => a.Peer, StringComparer.Ordinal))
        {
            var hosts = Hosts(peer.Select(a => a.Host));
            if (hosts.Count < 2)
            {
                continue;
            }
            var scenarios = string.Join(", ", peer.Select(a => a.Scenario).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            findings.Add(new FleetFinding(FleetFindingKind.PeerOnSeveralHosts, peer.Min(a => a.First), peer.Max(a => a.Last), hosts, peer.Key,
                string.Create(CultureInfo.InvariantCulture,
                    $"{peer.Key} raised {peer.Sum(a => a.Alerts)} alerts ({scenarios}) on {hosts.Count} hosts ({string.Join(", ", hosts)}): one attacker working through the fleet")));
        }
        return new FleetTimelineReport(sorted, peerAlerts, findings.OrderBy(f => f.Start).ThenBy(f => f.Kind).ToList());
    }

    private static FleetFinding Cross(FleetOutage cross, List<FleetOutage> own, DateTime now, TimeSpan slack)
    {
        var parts = cross.Of!.Split('/', 2);
        string host = parts[0], probe = parts.Length > 1 ? parts[1] : "";
        DateTime start = cross.Start, end = cross.EndOr(now);
        bool seenByHost = own.Any(o => o.Host == host && o.Probe == probe && o.Start <= end + slack && o.EndOr(now) + slack >= start);
        return seenByHost
            ? new FleetFinding(FleetFindingKind.Local, start, end, [host], null,
                $"{host}'s {probe} down as {host} itself saw it, and from {cross.Host}: local to {host}")
            : new FleetFinding(FleetFindingKind.NetworkPath, start, end, Hosts([cross.Host, host]), null,
                $"{cross.Host} could not reach {host}'s {probe} ({cross.Cause}) while {host} saw it up: the network path between {cross.Host} and {host}");
    }

    private static FleetFinding Episode(List<FleetOutage> group, DateTime start, DateTime end)
    {
        var hosts = Hosts(group.Select(o => o.Host));
        var probes = string.Join(", ", group.Select(o => o.Probe).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
        return hosts.Count > 1
            ? new FleetFinding(FleetFindingKind.SharedOutage, start, end, hosts, null,
                $"{hosts.Count} hosts down at once ({string.Join(", ", hosts)}; {probes}): a shared upstream or a common attacker, not one server's fault")
            : new FleetFinding(FleetFindingKind.LoneOutage, start, end, hosts, null,
                $"only {hosts[0]} down ({probes}): that host or its own path; the others saw nothing");
    }

    private static List<string> Hosts(IEnumerable<string> hosts) => hosts.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
}
