namespace Uncloak.Core.Forensics.Localization;

/// <summary>Where an outage's fault is, from the service outwards.</summary>
public enum Layer : byte
{
    /// <summary>Nothing in the evidence holds: say so rather than guess.</summary>
    Unknown = 0,

    /// <summary>The service: accept queue full, workers pinned by zero-window or slow readers.</summary>
    Application = 1,

    /// <summary>The host's kernel: conntrack full, TCP memory pressure, orphans, SYN drops without cookies.</summary>
    Host = 2,

    /// <summary>A qdisc dropping or holding back packets while the link is up.</summary>
    Shaper = 3,

    /// <summary>The NIC or its driver: link down, transmit hang/watchdog, transmit stuck with a queue waiting.</summary>
    Nic = 4,

    /// <summary>The LAN: the link is up but the gateway does not answer or its neighbour entry FAILED.</summary>
    Lan = 5,

    /// <summary>Beyond the gateway: the gateway answers, targets past it or remote vantage points do not.</summary>
    Upstream = 6,
}
