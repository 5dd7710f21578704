using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class NicHangMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.NicHang,
        Title = "NIC transmit unit hang (\"Detected Hardware Unit Hang\" / \"Detected Tx Unit Hang\")",
        Summary = "The driver found a transmit descriptor the hardware had not completed for about a second and stopped the queue; the report repeats while the ring stays stuck, and the watchdog's timeout has the NIC reset.",
        WhatTheKernelSaw =
            "A TX descriptor handed to the hardware (next_to_watch) had not been completed for more than ~1 s while the " +
            "transmitter was not paused. The driver stops the queue and prints this report, again every couple of seconds " +
            "while the ring stays stuck (so N reports are one hang that lasted, not N resets); the NETDEV WATCHDOG's " +
            "transmit timeout then makes the driver reset the NIC, and a link down/up often follows. The register dump (TDH/TDT head and tail, next_to_use/next_to_clean) is for driver " +
            "developers: head ≠ tail while stuck means the NIC stopped fetching.",
        Fields =
        [
            new("driver bus-id interface", "Who reports it; igb prints only the PCI device, no interface."),
            new("TDH / TDT", "Hardware head/tail descriptor indices."),
            new("time_stamp vs jiffies", "Their difference is how long the descriptor has waited."),
        ],
        LikelyCauses =
        [
            "Known hardware/firmware errata (e1000e on some PCH/82579 parts, especially with TSO or ASPM).",
            "Pause frames (e1000e suggests turning off Tx pause) or PCIe power management.",
            "A virtual NIC stalled by the hypervisor (virtio_net \"TX timeout on queue\"; on AWS, ena resetting the device after lost TX completions or a missed keep-alive).",
        ],
        Checks = ["How long the reports span (one stuck ring repeats them) and the resets that followed (NETDEV WATCHDOG, link down/up); ethtool -i for driver/firmware; tx_timeout per queue.", "Whether outages line up with the hangs."],
        Actions =
        [
            "ethtool -K IF tso off gso off; disable pcie_aspm; update the driver/firmware.",
            "Turn off flow control if the driver suggests it.",
            "Replace the NIC if it keeps happening.",
        ],
        Printing = "Printed by default at KERN_ERR. syslog shows one line per dump line; /dev/kmsg one record with \\x0a escapes.",
        KernelSource = "drivers/net/ethernet/intel/e1000e/netdev.c, e1000/e1000_main.c, igb/igb_main.c, ixgbe/ixgbe_main.c, amazon/ena/ena_netdev.c",
        Examples =
        [
            "e1000e 0000:00:19.0 eth0: Detected Hardware Unit Hang:",
            "e1000 0000:02:01.0 eth0: Detected Tx Unit Hang",
            "igb 0000:01:00.0: Detected Tx Unit Hang",
            "ixgbe 0000:03:00.0 eth2: Detected Tx Unit Hang ",
            "virtio_net virtio0 eth0: TX timeout on queue: 0, sq: output.0, vq: 0x1, name: output.0, 5672000 usecs ago",
            "ena 0000:00:05.0 eth0: The number of lost tx completions is above the threshold (129 > 128). Reset the device",
            "ena 0000:00:05.0 eth0: Keep alive watchdog timeout.",
        ],
    };
}
