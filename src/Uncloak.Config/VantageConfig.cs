using Uncloak.Core.Forensics;

namespace Uncloak.Config;

/// <summary>
/// A probe's vantage points (<c>vantage:</c> under a probe), probed on the probe's interval and timeout so an outage's
/// evidence says where packets stopped: the service on its public address from the host itself, the default gateways,
/// and targets beyond them.
/// </summary>
public sealed record VantageConfig
{
    /// <summary>The service's public address and port (<c>self: 203.0.113.7:443</c>), connected to from the host; null for none.</summary>
    public VantageTarget? Self { get; init; }

    /// <summary>Probe each default gateway of the route table: ICMP echo and neighbour state (<c>gateway: true</c>, the default).</summary>
    public bool Gateway { get; init; } = true;

    /// <summary>Targets beyond the gateway (<c>upstream: [addr, addr:port, …]</c>): ICMP echo for an address, TCP connect with a port.</summary>
    public IReadOnlyList<VantageTarget> Upstream { get; init; } = [];
}
