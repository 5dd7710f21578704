using Uncloak.Core.Forensics.Localization;

namespace Uncloak.Lab.Faults;

/// <summary>Command-line names of <see cref="FaultKind"/> and the layer each fault truly is at, which the matrix checks the verdict against.</summary>
public static class FaultNames
{
    public static readonly IReadOnlyList<(FaultKind Kind, string Name, Layer Layer)> All =
    [
        (FaultKind.GatewayBlackhole, "gateway-blackhole", Layer.Lan),
        (FaultKind.UpstreamCut, "upstream-cut", Layer.Upstream),
        (FaultKind.ServerLinkDown, "server-link-down", Layer.Nic),
        (FaultKind.AcceptQueueFull, "accept-queue-full", Layer.Application),
        (FaultKind.HostKernel, "host-kernel", Layer.Host),
        (FaultKind.Shaper, "shaper", Layer.Shaper),
    ];

    public static string Name(this FaultKind kind) => All.First(f => f.Kind == kind).Name;

    /// <summary>The layer the fault is made at: what a correct verdict names first.</summary>
    public static Layer TrueLayer(this FaultKind kind) => All.First(f => f.Kind == kind).Layer;

    public static bool TryParse(string text, out FaultKind kind)
    {
        foreach (var (k, n, _) in All)
        {
            if (string.Equals(n, text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
