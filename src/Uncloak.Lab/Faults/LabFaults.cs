namespace Uncloak.Lab.Faults;

/// <summary>The fault for each <see cref="FaultKind"/>.</summary>
public static class LabFaults
{
    public static IFault Create(FaultKind kind) => kind switch
    {
        FaultKind.GatewayBlackhole => new GatewayBlackhole(),
        FaultKind.UpstreamCut => LinkDown.Upstream(),
        FaultKind.ServerLinkDown => LinkDown.Server(),
        FaultKind.AcceptQueueFull => new AcceptQueueFull(),
        FaultKind.HostKernel => new HostKernelSynDrops(),
        FaultKind.Shaper => new TinyShaper(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
