using Uncloak.Core.Events;

namespace Uncloak.Core.Messages;

public static partial class NeighbourOverflowMessage
{
    public static Explanation Explanation { get; } = new()
    {
        Kind = EventKind.NeighbourOverflow,
        Title = "Neighbour (ARP/NDP) table overflow",
        Summary = "The ARP or IPv6 neighbour table was full and garbage collection freed nothing: packets to new on-link hosts are dropped.",
        WhatTheKernelSaw =
            "A new neighbour entry was needed while the table held gc_thresh3 entries (default 1024), or gc_thresh2 and the " +
            "last flush was over 5 s ago, and forced GC freed nothing. Traffic to hosts not yet in the table fails.",
        Fields = [new("arp_cache / ndisc_cache", "IPv4 ARP or IPv6 neighbour discovery table.")],
        LikelyCauses =
        [
            "A large L2 segment or container host with more neighbours than gc_thresh3.",
            "A scan of an on-link subnet (every address probed gets an incomplete entry).",
        ],
        Checks = ["ip neigh | wc -l against net.ipv4.neigh.default.gc_thresh3; /proc/net/stat/arp_cache table_fulls."],
        Actions = ["Raise gc_thresh1/2/3 (e.g. 1024/4096/8192) on big segments."],
        Printing = "Printed by default at KERN_INFO, ratelimited.",
        KernelSource = "net/core/neighbour.c, neigh_alloc()",
        Examples = ["neighbour: arp_cache: neighbor table overflow!", "neighbour: ndisc_cache: neighbor table overflow!", "Neighbour table overflow."],
    };
}
