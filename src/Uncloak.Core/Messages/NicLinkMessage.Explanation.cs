using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class NicLinkMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.NicLink,
        Title = "NIC link up / down (speed, duplex, flow control)",
        Summary = "A network driver reported its link going down or coming up, with the negotiated speed, duplex and pause settings.",
        WhatTheKernelSaw =
            "The driver's link watchdog saw carrier change. Every second the link is down the server is off the network. " +
            "A link-up line tells what autonegotiation produced: a server port should be full duplex at the switch's speed; " +
            "half duplex or 10/100 on a gigabit port points at a duplex mismatch (one side forced, the other autonegotiating), " +
            "a bad cable or a bad port. A down/up pair a few seconds after a NETDEV WATCHDOG or a unit hang is the driver " +
            "resetting the NIC.",
        Fields =
        [
            new("driver bus-id interface", "Who reports it (e.g. e1000e 0000:00:19.0 eth0)."),
            new("speed", "Negotiated speed in Mbps (ixgbe prints Gbps)."),
            new("duplex", "Full or Half. Half on a switched server port is a red flag: late collisions on one side, CRC errors on the other."),
            new("flow control", "Pause frames honoured (Rx) and sent (Tx). On a server, Rx/Tx pause lets one congested port stall the NIC."),
        ],
        LikelyCauses =
        [
            "Cable, transceiver or switch-port faults (flaps at random times).",
            "A driver reset after a TX hang / watchdog timeout (flap right after those messages).",
            "Duplex mismatch after someone forced speed/duplex on one side only (half duplex, 10/100 on gigabit).",
            "Switch maintenance, spanning-tree reconvergence, power saving (EEE).",
        ],
        Checks =
        [
            "/sys/class/net/IF/carrier_changes (flaps since boot), speed, duplex; `uncloak audit` compares with the link partner.",
            "Error counters: rx_crc_errors (full-duplex side of a mismatch), collisions / tx_late_coll (half-duplex side).",
            "The switch port's own log and counters.",
        ],
        Actions =
        [
            "Set both ends to autonegotiate (or force both identically).",
            "Replace the cable / move the port if flaps continue without a driver reset before them.",
            "Turn off pause frames on server ports if the switch sends them (ethtool -A IF rx off tx off).",
        ],
        Printing = "Printed by default by most drivers at KERN_INFO (bnx2 link-down at KERN_ERR). virtio_net prints nothing; " +
            "its carrier changes show only as \"ADDRCONF(NETDEV_CHANGE): IF: link becomes ready\" (demoted to debug in ≈6.5).",
        KernelSource = "drivers/net/ethernet/… (per driver), drivers/net/phy/phy.c phy_print_status()",
        Examples =
        [
            "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
            "e1000e 0000:00:19.0 eth0: NIC Link is Down",
            "e1000: eth0 NIC Link is Up 100 Mbps Half Duplex, Flow Control: None",
            "igb 0000:01:00.0 eth0: igb: eth0 NIC Link is Up 1000 Mbps Full Duplex, Flow Control: RX/TX",
            "ixgbe 0000:03:00.0 eth2: NIC Link is Up 10 Gbps, Flow Control: RX/TX",
            "tg3 0000:03:00.0 eth1: Link is up at 100 Mbps, half duplex",
            "bnx2 0000:01:00.0 eth0: NIC Copper Link is Up, 1000 Mbps full duplex, receive & transmit flow control ON",
            "r8169 0000:03:00.0 enp3s0: Link is Up - 1Gbps/Full - flow control rx/tx",
            "r8169 0000:02:00.0 eth0: link down",
            "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
        ],
    };
}
