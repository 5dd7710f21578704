using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>
/// A link goes down for the fault's time and comes back up, with the routes a link-down removes put back:
/// the server's own interface (<see cref="FaultKind.ServerLinkDown"/>: a NIC reset, a pulled cable, a driver hang as the
/// host sees it), or the router's upstream link (<see cref="FaultKind.UpstreamCut"/>: the gateway still answers the
/// server, nothing beyond it does — a provider's outage).
/// </summary>
public sealed class LinkDown : IFault
{
    private readonly Func<LabNames, string> _namespace;
    private readonly string _device;
    private readonly Action<LabNames> _routes;

    private LinkDown(FaultKind kind, Func<LabNames, string> ns, string device, Action<LabNames> routes)
    {
        Kind = kind;
        _namespace = ns;
        _device = device;
        _routes = routes;
    }

    /// <summary>The server's <c>eth0</c>; its default and spoofed-range routes are put back on undo.</summary>
    public static LinkDown Server() => new(FaultKind.ServerLinkDown, n => n.Server, LabTopology.ServerDevice, LabTopology.ServerRoutes);

    /// <summary>The router's upstream leg towards the client; the client's default routes are put back on undo.</summary>
    public static LinkDown Upstream() => new(FaultKind.UpstreamCut, n => n.Router, LabTopology.RouterUpstreamDevice, LabTopology.ClientRoutes);

    public FaultKind Kind { get; }

    public void Apply(LabNames names, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        // IPv6 addresses are flushed on link down unless told otherwise; the lab's are set without DAD, so keep them, as
        // a real interface keeps its configuration over a carrier loss.
        ExternalCommand.Sysctl(_namespace(names), $"net.ipv6.conf.{_device}.keep_addr_on_down", "1");
        ExternalCommand.Ip("-n", _namespace(names), "link", "set", _device, "down");
    }

    public void Undo(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        ExternalCommand.Ip("-n", _namespace(names), "link", "set", _device, "up");
        _routes(names);
    }
}
