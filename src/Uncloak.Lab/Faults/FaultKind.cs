namespace Uncloak.Lab.Faults;

/// <summary>The faults the lab makes beside the attacks, each at a known layer (see <see cref="FaultNames.TrueLayer"/>).</summary>
public enum FaultKind
{
    /// <summary>The router drops everything from and to the server: the gateway is there (ARP answers) but passes nothing.</summary>
    GatewayBlackhole,

    /// <summary>The router's upstream link goes down: the gateway answers, nothing beyond it does.</summary>
    UpstreamCut,

    /// <summary>The server's own interface goes down for a while.</summary>
    ServerLinkDown,

    /// <summary>The victim stops accepting: its accept queue fills and new connections are dropped.</summary>
    AcceptQueueFull,

    /// <summary>SYN cookies off and a spoofed SYN flood: the kernel drops SYNs because the SYN queue is full.</summary>
    HostKernel,

    /// <summary>A tbf qdisc with a tiny rate and limit on the server's interface: the shaper drops what does not fit.</summary>
    Shaper,
}
