using Uncloak.Core.Events;

namespace Uncloak.Core.Routing;

/// <summary>One route of an rtnetlink dump: destination prefix, gateway (None for a directly connected route), output interface.</summary>
public readonly record struct RouteEntry(NetAddress Destination, byte PrefixLength, NetAddress Gateway, int OutputInterface, uint Table, byte Type, uint Priority)
{
    /// <summary>A default route through a gateway in the main table: the next hop every packet to the internet takes.</summary>
    public bool IsDefaultGateway => PrefixLength == 0 && !Gateway.IsNone && Type == Rtnetlink.RTN_UNICAST && Table == Rtnetlink.RT_TABLE_MAIN;
}
