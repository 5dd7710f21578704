using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>
/// The router silently drops everything from and to the server, forwarded or addressed to itself (nft, in the router's
/// namespace only). ARP and ND are not IP and still pass, so the gateway's neighbour entry stays resolved: the classic
/// "the switch port is up, the router does not route us" of a LAN fault.
/// </summary>
public sealed class GatewayBlackhole : IFault
{
    private const string Table = "uncloak_fault_blackhole";

    public FaultKind Kind => FaultKind.GatewayBlackhole;

    public void Apply(LabNames names, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        string v4 = LabNames.ServerAddress.ToString(), v6 = LabNames.ServerAddress6.ToString();
        ExternalCommand.Nft(names.Router,
            $$"""
            table inet {{Table}} {
              chain forward {
                type filter hook forward priority -10; policy accept;
                ip saddr {{v4}} drop
                ip daddr {{v4}} drop
                ip6 saddr {{v6}} drop
                ip6 daddr {{v6}} drop
              }
              chain input {
                type filter hook input priority -10; policy accept;
                ip saddr {{v4}} drop
                # IPv6 neighbour discovery is ICMPv6: it passes, as ARP does, so only routing fails.
                ip6 saddr {{v6}} meta l4proto != ipv6-icmp drop
                ip6 saddr {{v6}} icmpv6 type != { nd-neighbor-solicit, nd-neighbor-advert } drop
              }
            }

            """);
    }

    public void Undo(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        // Absent after a failed Apply: nothing to undo, so the exit code does not matter.
        ExternalCommand.InNamespace(names.Router, "nft", ["delete", "table", "inet", Table], check: false);
    }
}
