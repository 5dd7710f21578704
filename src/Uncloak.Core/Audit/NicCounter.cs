using System.Text.RegularExpressions;

namespace Uncloak.Core.Audit;

/// <summary>
/// What a NIC error counter means, whatever the driver calls it. Drivers name the same event differently (igb and
/// ixgbe <c>rx_missed_errors</c> and <c>rx_no_buffer_count</c>, mlx5 <c>rx_out_of_buffer</c> and
/// <c>rx_discards_phy</c>, i40e <c>port.rx_discards</c>, ice <c>rx_dropped.nic</c>, bnxt <c>rx_fcs_err_frames</c>,
/// virtio <c>tx_queue_0_tx_timeouts</c>, ENA <c>pps_allowance_exceeded</c>…; names from the drivers'
/// <c>*_gstrings_stats</c> tables), so names are matched after dropping the <c>port.</c> prefix, the <c>.nic</c> suffix
/// and per-queue prefixes.
/// </summary>
public static partial class NicCounter
{
    public enum Kind
    {
        /// <summary>Not an error counter this audit judges.</summary>
        None,

        /// <summary>The receive ring was full: the CPU did not empty it in time.</summary>
        RingOverflow,

        /// <summary>Frames damaged on the wire.</summary>
        WireErrors,

        /// <summary>The transmit watchdog fired and the driver reset the NIC.</summary>
        TransmitTimeout,

        /// <summary>Frames the NIC could not send.</summary>
        TransmitAborted,

        /// <summary>The driver could not allocate buffers to refill its ring.</summary>
        AllocationFailure,

        /// <summary>The cloud's virtual NIC shaped or dropped traffic over the instance's allowance (ENA).</summary>
        CloudAllowance,
    }

    private static readonly Dictionary<string, Kind> Names = new(StringComparer.Ordinal)
    {
        ["rx_missed_errors"] = Kind.RingOverflow,     // igb, e1000e, ixgbe, i40e (MPC: missed packets)
        ["rx_missed"] = Kind.RingOverflow,            // r8169
        ["rx_no_buffer_count"] = Kind.RingOverflow,   // e1000e, igb, ixgbe (RNBC: no receive descriptor)
        ["rx_no_dma_resources"] = Kind.RingOverflow,  // ixgbe
        ["rx_out_of_buffer"] = Kind.RingOverflow,     // mlx5 (no receive WQE)
        ["rx_discards_phy"] = Kind.RingOverflow,      // mlx5 (port buffer full)
        ["rx_fifo_errors"] = Kind.RingOverflow,       // netdev stats, many drivers
        ["rx_over_errors"] = Kind.RingOverflow,       // netdev stats
        ["rx_discards"] = Kind.RingOverflow,          // i40e port.rx_discards, bnxt, tg3
        ["rx_dropped"] = Kind.RingOverflow,           // only as port.rx_dropped (i40e) or rx_dropped.nic (ice): hardware discards
        ["rx_total_ring_discards"] = Kind.RingOverflow, // bnxt
        ["rx_crc_errors"] = Kind.WireErrors,          // igb, e1000e, ixgbe, i40e port., ice .nic
        ["rx_crc_errors_phy"] = Kind.WireErrors,      // mlx5
        ["rx_fcs_errors"] = Kind.WireErrors,          // tg3
        ["rx_fcs_err_frames"] = Kind.WireErrors,      // bnxt
        ["rx_align_errors"] = Kind.WireErrors,        // igb, e1000e
        ["rx_align_err_frames"] = Kind.WireErrors,    // bnxt
        ["rx_symbol_err_phy"] = Kind.WireErrors,      // mlx5
        ["align_errors"] = Kind.WireErrors,           // r8169
        ["tx_timeout_count"] = Kind.TransmitTimeout,  // e1000e, igb, ixgbe
        ["tx_timeout"] = Kind.TransmitTimeout,        // ENA, i40e
        ["tx_timeouts"] = Kind.TransmitTimeout,       // virtio per queue (tx_queue_N_tx_timeouts), others
        ["wd_expired"] = Kind.TransmitTimeout,        // ENA keep-alive watchdog
        ["tx_aborted_errors"] = Kind.TransmitAborted, // igb, e1000e (excessive collisions)
        ["tx_aborted"] = Kind.TransmitAborted,        // r8169
        ["tx_carrier_errors"] = Kind.TransmitAborted, // igb, e1000e, netdev stats
        ["tx_fifo_errors"] = Kind.TransmitAborted,    // netdev stats
        ["tx_underrun"] = Kind.TransmitAborted,       // r8169
        ["tx_dropped_link_down"] = Kind.TransmitAborted, // i40e port., ice .nic
        ["alloc_rx_buff_failed"] = Kind.AllocationFailure, // ixgbe
        ["alloc_rx_page_failed"] = Kind.AllocationFailure, // ixgbe
        ["rx_buff_alloc_err"] = Kind.AllocationFailure,    // mlx5
        ["rx_dma_failed"] = Kind.AllocationFailure,        // e1000e
        ["tx_dma_failed"] = Kind.AllocationFailure,        // e1000e
        ["bw_in_allowance_exceeded"] = Kind.CloudAllowance,
        ["bw_out_allowance_exceeded"] = Kind.CloudAllowance,
        ["pps_allowance_exceeded"] = Kind.CloudAllowance,
        ["conntrack_allowance_exceeded"] = Kind.CloudAllowance,
        ["linklocal_allowance_exceeded"] = Kind.CloudAllowance,
    };

    /// <summary>Counters that count the same event under a generic name, so only their hardware forms (prefixed or suffixed) are judged.</summary>
    private static readonly HashSet<string> OnlyQualified = new(StringComparer.Ordinal) { "rx_dropped" };

    /// <summary>Per-queue names: <c>tx_queue_3_tx_timeouts</c>, <c>rx_queue_0_drops</c>, <c>tx3_…</c>, <c>rx-2.…</c>, <c>queue_0_…</c>.</summary>
    [GeneratedRegex(@"^(?:(?:rx|tx)_queue_\d+_|queue_\d+_|(?:rx|tx)\d+_|(?:rx|tx)-\d+\.)")]
    private static partial Regex QueuePrefix();

    /// <summary>What <paramref name="name"/> (as ethtool -S or sysfs statistics print it) counts; <see cref="Kind.None"/> for counters this audit does not judge.</summary>
    public static Kind Of(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string n = name;
        bool qualified = false;
        if (n.StartsWith("port.", StringComparison.Ordinal))
        {
            n = n["port.".Length..];
            qualified = true;
        }
        if (n.EndsWith(".nic", StringComparison.Ordinal))
        {
            n = n[..^".nic".Length];
            qualified = true;
        }
        var prefix = QueuePrefix().Match(n);
        if (prefix.Success)
        {
            n = n[prefix.Length..];
            // virtio's receive queues count their drops as "drops": a full ring or a failed allocation.
            if (n == "drops" && name.StartsWith("rx", StringComparison.Ordinal))
            {
                return Kind.RingOverflow;
            }
        }
        if (OnlyQualified.Contains(n) && !qualified)
        {
            return Kind.None;
        }
        return Names.TryGetValue(n, out var kind) ? kind : Kind.None;
    }

    /// <summary>What a counter of <paramref name="kind"/> growing means, and what to do about it.</summary>
    public static string Meaning(Kind kind) => kind switch
    {
        Kind.RingOverflow => "the NIC received the packet but found no free receive descriptor: the CPU (softirq, the driver's NAPI poll) did not empty the ring in time, so the packet was lost before the kernel saw it. Bigger rings (ethtool -G IF rx N), more queues (ethtool -L), spread IRQs, a larger net.core.netdev_budget",
        Kind.WireErrors => "frames arrived damaged (bad checksum, misaligned, bad symbols): the cable, a connector, the transceiver, the switch port or a duplex mismatch (see nic.errors)",
        Kind.TransmitTimeout => "the transmit queue stopped moving and the kernel's watchdog fired (\"NETDEV WATCHDOG: … transmit queue N timed out\"): the driver reset the NIC, and the link was down for seconds each time — a NIC, firmware or driver fault",
        Kind.TransmitAborted => "frames the NIC gave up sending: excessive or late collisions (half duplex), carrier lost during transmission, a DMA underrun, or packets dropped while the link was down",
        Kind.AllocationFailure => "the driver could not allocate buffers to refill its ring (memory pressure or fragmentation): the ring runs dry and packets are missed next",
        Kind.CloudAllowance => "the cloud provider's virtual NIC queued or dropped packets because the instance exceeded its allowance of bandwidth, packets per second or tracked connections: invisible in the guest's own queues, a larger instance type or fewer connections is the fix",
        _ => "",
    };
}
