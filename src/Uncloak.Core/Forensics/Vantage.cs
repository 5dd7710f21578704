namespace Uncloak.Core.Forensics;

/// <summary>Where a probe looked from or at: each answers a different question about where the fault is.</summary>
public enum Vantage : byte
{
    /// <summary>The service probe that opens and closes outages (the configured <c>probes</c>).</summary>
    Service = 1,

    /// <summary>The service on its public address from the host itself: the application and host stack, without the wire.</summary>
    Self = 2,

    /// <summary>A default gateway: its neighbour entry and an ICMP echo. Tells the LAN from beyond it.</summary>
    Gateway = 3,

    /// <summary>A target beyond the gateway (<c>upstream:</c>): the provider's network.</summary>
    Upstream = 4,

    /// <summary>Another host of the fleet probing this one: the view from outside.</summary>
    Remote = 5,
}
