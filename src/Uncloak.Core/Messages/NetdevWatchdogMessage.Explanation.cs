using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class NetdevWatchdogMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.NetdevWatchdog,
        Title = "Transmit queue timed out (\"NETDEV WATCHDOG\")",
        Summary = "A NIC stopped transmitting for longer than its watchdog timeout; the kernel asked the driver to reset it.",
        WhatTheKernelSaw =
            "The device had carrier, one of its TX queues was stopped, and no packet had left it for longer than the driver's " +
            "watchdog_timeo (usually 5 s). The kernel called the driver's ndo_tx_timeout(), which normally resets the NIC: expect " +
            "a link down/up pair seconds later, and an outage for the whole time.",
        Fields =
        [
            new("interface (driver)", "The stuck device; ≥6.10 names it in the netdev prefix instead."),
            new("transmit queue N", "Which TX queue was stuck."),
            new("timed out N ms (≥6.4)", "How long the queue had not transmitted."),
            new("CPU: N (≥6.10)", "The CPU that ran the watchdog; not meaningful for diagnosis."),
        ],
        LikelyCauses =
        [
            "NIC firmware/driver bugs (e1000e, r8169 and igb have well-known ones), often under load or with offloads enabled.",
            "Pause frames from the switch holding the transmitter (flow control).",
            "Interrupt or power-management problems (ASPM, EEE), or a hypervisor stalling a virtual NIC.",
        ],
        Checks =
        [
            "/sys/class/net/IF/queues/tx-N/tx_timeout; driver and firmware version (ethtool -i IF).",
            "Whether a \"Detected Hardware/Tx Unit Hang\" preceded it and a link flap followed.",
            "Pause frame counters (ethtool -S IF | grep -i pause).",
        ],
        Actions =
        [
            "Update the driver/firmware; try disabling TSO/GSO (ethtool -K IF tso off gso off) and pcie_aspm, EEE.",
            "Disable flow control on the server port if pause frames are involved.",
            "If it recurs, replace the NIC: no setting on the TCP side fixes this.",
        ],
        Printing =
            "Printed by default. Before 6.10 it was a WARN_ONCE with a stack trace — only the FIRST timeout after boot was " +
            "logged, across all interfaces — so one line may hide many resets. Since 6.10 (and stable backports) it is a " +
            "netdev_crit line on every timeout.",
        KernelSource = "net/sched/sch_generic.c, dev_watchdog()",
        Examples =
        [
            "e1000e 0000:00:19.0 eth0: NETDEV WATCHDOG: CPU: 3: transmit queue 0 timed out 5368 ms",
            "NETDEV WATCHDOG: enp3s0 (r8169): transmit queue 0 timed out 9028 ms",
            "NETDEV WATCHDOG: eth0 (bnx2): transmit queue 0 timed out",
            "NETDEV WATCHDOG: eth0: transmit timed out",
        ],
    };
}
