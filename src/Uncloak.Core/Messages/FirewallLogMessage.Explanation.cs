using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class FirewallLogMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.FirewallLog,
        Title = "Firewall LOG line (iptables LOG / nftables log)",
        Summary = "A packet matched a firewall rule that logs; the prefix says which rule.",
        WhatTheKernelSaw =
            "A packet matched an iptables LOG target or an nftables log statement. The kernel printed the rule's prefix and " +
            "the packet's headers. It says nothing about what the rule did next: the verdict is in the rule that follows.",
        Fields =
        [
            new("prefix", "The rule's --log-prefix / log prefix, e.g. [UFW BLOCK]: which rule logged."),
            new("IN= / OUT=", "Input and output interface; IN set and OUT empty means the packet was for this host, IN empty and OUT set that this host sent it (the peer is then DST), both set that it was routed or bridged."),
            new("PHYSIN= / PHYSOUT=", "On a bridge, the physical port the packet came in on or left by."),
            new("MAC= (or MACSRC= MACDST= MACPROTO=)", "The link-layer header: destination MAC, source MAC, EtherType."),
            new("ARP … IPSRC= IPDST=", "An ARP packet (arptables / nftables arp family): sender and target protocol addresses."),
            new("MAC source = … proto = … IP SRC= IP DST=, IP proto=", "ebtables' log (bridge): the frame's MACs and EtherType, then the IP or ARP (ARP IP SRC= … ARP IP DST=) addresses."),
            new("SRC= / DST=", "Source and destination address (IPv6 printed uncompressed)."),
            new("LEN=", "IP packet length."),
            new("PROTO= SPT= DPT=", "Protocol and ports: SPT is the sender's port, DPT the port on this host it aimed at."),
            new("WINDOW=", "The TCP window the sender advertised (unscaled)."),
            new("SYN ACK FIN RST PSH URG", "TCP flags present; SYN alone is a connection attempt (a scan if DPT varies)."),
        ],
        LikelyCauses =
        [
            "Internet background: scanners and worms probing closed ports (many sources, few packets each).",
            "A targeted scan: one source, many destination ports in a short time.",
            "Legitimate traffic your rules log by mistake.",
        ],
        Checks = ["Top sources and ports (uncloak analyze); whether one source hits many ports.", "Whether logging is rate-limited (a LOG rule without a limit can flood the log and share the kernel's message budget)."],
        Actions = ["Ban persistent scanners for a while (`uncloak bans add`), or just drop silently without logging.", "Rate-limit LOG rules (nft `limit rate 5/second`)."],
        Printing = "Printed only if such rules exist, at the rule's level (default 4). NFLOG / `log group` go to user space instead; " +
            "a logger that writes them in the same fields is read too, e.g. Proxmox VE's pvefw-logger (\"VMID LEVEL CHAIN " +
            "dd/Mon/yyyy:HH:MM:SS +zzzz PREFIX IN=…\", no OUT= for an incoming packet; the prefix shown is CHAIN PREFIX).",
        KernelSource = "net/netfilter/nf_log_syslog.c (nf_log_ipv4.c / nf_log_ipv6.c before ≈5.12)",
        Examples =
        [
            "[UFW BLOCK] IN=eth0 OUT= MAC=52:54:00:12:34:56:00:1b:21:aa:bb:cc:08:00 SRC=203.0.113.7 DST=198.51.100.10 LEN=60 TOS=0x00 PREC=0x00 TTL=52 ID=54321 DF PROTO=TCP SPT=51234 DPT=22 WINDOW=64240 RES=0x00 SYN URGP=0 ",
        ],
    };
}
