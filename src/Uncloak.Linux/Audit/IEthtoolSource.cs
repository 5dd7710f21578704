using Uncloak.Core.Audit;

namespace Uncloak.Linux.Audit;

/// <summary>Where ethtool data comes from: the live SIOCETHTOOL ioctl, or files in a fixture tree.</summary>
public interface IEthtoolSource
{
    /// <summary>What the driver says about the interface; null when nothing could be learned (no such device, no answers).</summary>
    EthtoolState? Query(string interfaceName);
}
