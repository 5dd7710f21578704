using Uncloak.Core.Events;
using Uncloak.Core.Forensics.Dumps;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>nic</c>: the NIC or its driver: link down (administratively up, no carrier), carrier transitions, transmit
/// hang/watchdog, the driver's timeout/recover counters climbing, or transmit stuck while the qdisc holds a queue; an
/// interface that was up in the baseline and is down now.
/// </summary>
public sealed class NicRule : LayerRule
{
    public override Layer Layer => Layer.Nic;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        var moment = e.Moment;
        foreach (var link in moment?.Links.Where(IsPhysicalCandidate) ?? [])
        {
            if (link.AdminUp && !link.Carrier)
            {
                f.Support(0.7, "link", $"{link.Name}: UP without carrier (flags {string.Join(",", link.Flags)}, state {link.OperState})",
                    $"{link.Name} is administratively up but has no carrier: the cable, the switch port or the NIC lost the link.");
            }
            var before = e.LinkBefore(link);
            if (!link.AdminUp && before is { AdminUp: true })
            {
                // Not only a lost carrier: an interface the host itself took down (a driver reset, a NIC that went away,
                // an ifdown) stops everything it carried just the same, and it is this host's interface, not the network.
                f.Support(0.7, "link", $"{link.Name}: down (flags {string.Join(",", link.Flags)}, state {link.OperState}), UP in the baseline",
                    $"{link.Name} was up before the outage and is down now: the host's own interface stopped carrying its traffic.");
            }
            if (before?.Counter("tx_transns") is { } t0 && link.Counter("tx_transns") is { } t1 && t1 > t0)
            {
                // The counter only says the carrier changed; whether it came back is the carrier flag of the last snapshot.
                f.Support(0.4, "link", $"{link.Name}: +{t1 - t0} carrier transitions", link.Carrier
                    ? $"{link.Name}'s carrier went away and came back during the outage (a link flap)."
                    : $"{link.Name}'s carrier changed {t1 - t0} time(s) during the outage and is still down.");
            }
            if (before?.Counter("tx_packets") is { } p0 && link.Counter("tx_packets") is { } p1 && p1 == p0 && link.Carrier
                && moment!.Qdiscs.Any(q => q.Device == link.Name && q.BacklogPackets > 0))
            {
                f.Support(0.5, "link", $"{link.Name}: tx_packets did not move while its qdisc held a backlog",
                    $"Nothing left {link.Name} although packets were waiting: the transmit side of the NIC is stuck (a hang the watchdog may not have caught yet).");
            }
        }
        foreach (var nic in moment?.Nics.Values ?? Enumerable.Empty<NicStatistics>())
        {
            var before = e.NicBefore(nic);
            long timeouts = Grown(nic, before, "tx_timeout", "timeouts", "tx_recover");
            if (timeouts > 0)
            {
                f.Support(before is null ? 0.2 : 0.5, "nic", $"{Name(nic)}: tx timeouts/recoveries {(before is null ? "" : "+")}{timeouts:N0}{(before is null ? " since the driver loaded" : "")}",
                    "The driver counted transmit timeouts: the NIC stopped sending and was reset.");
            }
            long downs = Grown(nic, before, "link_down_events");
            if (downs > 0 && before is not null)
            {
                f.Support(0.4, "nic", $"{Name(nic)}: +{downs} link-down events", "The NIC's own counter saw the link go down during the outage.");
            }
        }
        if (e.Kernel is { } kernel)
        {
            if (kernel.Count(EventKind.NetdevWatchdog) + kernel.Count(EventKind.NicHang) is > 0 and var hangs)
            {
                var line = kernel.FirstLines.GetValueOrDefault(EventKind.NetdevWatchdog) ?? kernel.FirstLines[EventKind.NicHang];
                f.Support(0.7, "kernel", $"{hangs} × \"{line}\"", "A transmit queue timed out (NETDEV WATCHDOG / transmit unit hang): the NIC stopped sending until the driver reset it.");
            }
            if (kernel.LinkDowns > 0)
            {
                f.Support(0.5, "kernel", $"{kernel.LinkDowns} link-down message(s): \"{kernel.FirstLines[EventKind.NicLink]}\"", "The driver reported the link down during the outage.");
            }
        }
    }

    /// <summary>Loopback and virtual links without a device of their own say nothing about a NIC.</summary>
    private static bool IsPhysicalCandidate(LinkStats link) => link.Name != "lo" && !link.Flags.Contains("LOOPBACK");

    private static string Name(NicStatistics nic) => nic.Device.Length > 0 ? nic.Device : "NIC";

    private static long Grown(NicStatistics now, NicStatistics? before, params string[] parts)
    {
        long n = now.Sum(parts);
        return before is null ? n : n - before.Sum(parts);
    }
}
