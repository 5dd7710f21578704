using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class MartianMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.Martian,
        Title = "Martian packet (\"martian source\" / \"martian destination\")",
        Summary = "A packet arrived with an impossible source or destination for the interface it came in on, and was dropped.",
        WhatTheKernelSaw =
            "Route lookup for an incoming packet found its source address impossible (multicast, broadcast, 0.0.0.0, loopback " +
            "on a real interface, one of this host's own addresses) or failing the reverse-path check (rp_filter), or its " +
            "destination invalid. The packet was dropped. Beware the order: the FIRST address printed is the packet's " +
            "destination, the SECOND its (bad) source.",
        Fields =
        [
            new("martian source D from S", "D is the packet's destination, S the offending source address."),
            new("on dev IF", "The interface it arrived on."),
            new("ll header (next line)", "Destination MAC, SOURCE MAC (the neighbour that delivered it, often your router), EtherType."),
        ],
        LikelyCauses =
        [
            "Spoofed traffic (a reflection or SYN flood with forged sources) — exactly what rp_filter is for.",
            "Asymmetric routing on a multi-homed host with rp_filter=1 (strict).",
            "A misconfigured neighbour leaking private addresses.",
        ],
        Checks = ["IPReversePathFilter counter; rp_filter per interface (`uncloak audit`).", "The source MAC in the following ll header line."],
        Actions = ["Keep rp_filter=1 (2 on multi-homed hosts).", "Set log_martians=0 if they are noise: they share the kernel's message budget with more important lines."],
        Printing = "Only when log_martians=1 on all or the interface; ratelimited.",
        KernelSource = "net/ipv4/route.c, ip_handle_martian_source(), ip_route_input_slow()",
        Examples =
        [
            "IPv4: martian source 198.51.100.10 from 127.0.0.1, on dev eth0",
            "IPv4: martian destination 0.0.0.0 from 203.0.113.9, dev eth0",
            "martian source 90.20.131.158 from 192.168.0.2, on dev ppp0",
        ],
    };
}
