using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>
/// A tbf qdisc on the server's interface with a rate and a queue limit far too small for its traffic: the link stays
/// up and every packet that does not fit is dropped by the shaper (the admin's "I set a limit once" fault).
/// </summary>
public sealed class TinyShaper : IFault
{
    public FaultKind Kind => FaultKind.Shaper;

    public void Apply(LabNames names, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(names);
        // 8 kbit/s with a burst of one full frame and a queue of two: a 1 MiB answer, or a few probes at once, overflow it.
        ExternalCommand.Run("tc", ["-n", names.Server, "qdisc", "replace", "dev", LabTopology.ServerDevice, "root", "tbf",
            "rate", "8kbit", "burst", "1600", "limit", "3000"]);
    }

    public void Undo(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        // Absent after a failed Apply: the exit code does not matter.
        ExternalCommand.Run("tc", ["-n", names.Server, "qdisc", "del", "dev", LabTopology.ServerDevice, "root"], check: false);
    }
}
