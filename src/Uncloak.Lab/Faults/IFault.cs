using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Faults;

/// <summary>
/// One fault. <see cref="Apply"/> makes it and returns once it is in force; <see cref="Undo"/> takes it back and is safe
/// after a partial or failed Apply and when called twice. Both act only inside the lab's namespaces. A fault is bounded
/// in time by its caller (<see cref="FaultRun"/>), and the lab's namespaces are removed after every cell in any case.
/// </summary>
public interface IFault
{
    FaultKind Kind { get; }

    void Apply(LabNames names, CancellationToken cancel);

    void Undo(LabNames names);
}
