using System.Globalization;

namespace Uncloak.Core.Audit.Checks;

/// <summary>
/// `nic.counters`: the driver's error counters (ethtool -S; sysfs statistics when the driver has none) are quiet: no
/// ring overflows, transmit timeouts, aborted transmissions, allocation failures or cloud allowance drops, each named
/// with what it means.
/// </summary>
public sealed class NicCountersCheck : AuditCheck
{
    /// <summary>Paravirtual drivers: no cable, but rings, watchdogs and (ENA) allowances of their own.</summary>
    private static readonly HashSet<string> Paravirtual = new(StringComparer.Ordinal) { "virtio_net", "ena", "vmxnet3", "hv_netvsc", "gve", "xen-netfront" };

    /// <summary>Lost packets per received packet above which a single reading fails rather than warns.</summary>
    public const double FailRatio = 1e-4;

    public override string Id => "nic.counters";
    public override AuditGroup Group => AuditGroup.Nic;
    public override Severity Severity => Severity.High;
    public override string Title => "The NIC driver's error counters are quiet";
    public override string Expected => "0 ring overflows (rx_missed_errors, rx_no_buffer_count, rx_out_of_buffer…), transmit timeouts, aborted transmissions, allocation failures and allowance drops — or static since an old event";

    public override string Rationale =>
        "The driver counts what the kernel never logs: packets the NIC received but had no room for (the receive ring " +
        "full because the CPU did not keep up: igb/e1000e rx_missed_errors and rx_no_buffer_count, ixgbe " +
        "rx_no_dma_resources, mlx5 rx_out_of_buffer and rx_discards_phy, i40e port.rx_discards, ice rx_dropped.nic, bnxt " +
        "rx_total_ring_discards, virtio rx_queue_N_drops), frames damaged on the wire (rx_crc_errors, rx_fcs_err_frames, " +
        "rx_crc_errors_phy), transmit watchdog resets (tx_timeout_count, tx_timeout, tx_queue_N_tx_timeouts: each one a " +
        "link reset of seconds), transmissions given up (tx_aborted_errors, tx_carrier_errors, tx_dropped_link_down), " +
        "failed buffer allocations (alloc_rx_buff_failed, rx_buff_alloc_err), and on AWS the ENA allowance counters " +
        "(bw_in/bw_out/pps/conntrack_allowance_exceeded), where the hypervisor drops what the guest's own counters never " +
        "see. Names differ per driver; each is reported with what it means. The counters run since the driver loaded; " +
        "`--sample SECONDS` reads them twice and judges the growth (climbing: fail; static: a warning about the past).";

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var nics = snapshot.Interfaces.Where(i => !i.IsLoopback && (i.IsPhysical || (i.Ethtool?.Driver is { } d && Paravirtual.Contains(d)))).ToList();
        if (nics.Count == 0)
        {
            return [Skip("no physical or paravirtual NIC: only virtual interfaces (veth, bridges, tunnels), whose drops are the kernel's, not a driver's.")];
        }
        return nics.SelectMany(n => Evaluate(n));
    }

    private IEnumerable<CheckResult> Evaluate(InterfaceSnapshot nic)
    {
        bool fromDriver = nic.Ethtool is { Statistics.Count: > 0 };
        // sysfs CRC and frame errors are nic.errors' to judge; the driver's own names are judged here with the rest.
        var counters = (fromDriver ? nic.Ethtool!.Statistics : nic.Statistics)
            .Select(c => (c.Key, c.Value, Kind: NicCounter.Of(c.Key)))
            .Where(c => c.Kind != NicCounter.Kind.None && (fromDriver || c.Kind != NicCounter.Kind.WireErrors))
            .OrderBy(c => c.Key, StringComparer.Ordinal)
            .ToList();
        if (counters.Count == 0)
        {
            yield return Skip($"{nic.Name}: the driver{(nic.Ethtool?.Driver is { } d ? " (" + d + ")" : "")} reports no error counters this audit knows.", nic.Name);
            yield break;
        }
        var inv = CultureInfo.InvariantCulture;
        var nonZero = counters.Where(c => c.Value > 0).ToList();
        string source = fromDriver ? $"ethtool -S ({nic.Ethtool!.Driver ?? "driver"})" : "sysfs statistics";
        string observed = nonZero.Count == 0
            ? $"{counters.Count} error counters at 0 ({source})"
            : string.Join(" ", nonZero.Select(c => string.Create(inv, $"{c.Key}={c.Value}"))) + $" ({source})";
        var fix = Fix.Advice($"Act on what the first counter in the detail means; then check whether they still climb: uncloak audit --only nic.counters --sample 60 (ethtool -S {nic.Name} shows them all).");
        if (nic.Growth is { } g)
        {
            var growing = counters.Select(c => (c.Key, c.Kind, Delta: fromDriver ? g.EthtoolDelta(c.Key) : g.Delta(c.Key))).Where(c => c.Delta > 0).ToList();
            string over = string.Create(inv, $"{g.Interval.TotalSeconds:0} s");
            if (growing.Count > 0)
            {
                yield return NotMet(observed + "; " + string.Join(", ", growing.Select(c => string.Create(inv, $"+{c.Delta} {c.Key}"))) + $" in {over}", fix, nic.Name,
                    "Climbing now: " + Meanings(growing.Select(c => (c.Key, c.Kind))));
            }
            else if (nonZero.Count > 0)
            {
                yield return Warn(observed + $"; no growth in {over}", fix, nic.Name, $"Not climbing over {over}: a past event. " + Meanings(nonZero.Select(c => (c.Key, c.Kind))));
            }
            else
            {
                yield return Pass(observed + $"; no growth in {over}", nic.Name);
            }
            yield break;
        }
        if (nonZero.Count == 0)
        {
            yield return Pass(observed, nic.Name);
            yield break;
        }
        long rx = nic.Stat("rx_packets") ?? 0;
        long lost = nonZero.Where(c => c.Kind is NicCounter.Kind.RingOverflow or NicCounter.Kind.WireErrors).Sum(c => c.Value);
        string detail = Meanings(nonZero.Select(c => (c.Key, c.Kind)));
        if (rx > 0 && (double)lost / rx >= FailRatio)
        {
            yield return NotMet(observed, fix, nic.Name, string.Create(inv, $"{(double)lost / rx:0.######} of received packets lost in the NIC since the driver loaded. ") + detail);
        }
        else
        {
            yield return Warn(observed, fix, nic.Name, detail + " Sample again (--sample 60) to see whether they climb.");
        }
    }

    private static string Meanings(IEnumerable<(string Name, NicCounter.Kind Kind)> counters) =>
        string.Join(" ", counters.GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g => $"{string.Join(", ", g.Select(c => c.Name))}: {NicCounter.Meaning(g.Key)}."));
}
