using Uncloak.Lab.Topology;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// One attacker. <see cref="Run"/> blocks the calling thread until the attack stops by itself (time or packet limit) or
/// the cancellation token fires; all its sockets are created inside the attacker namespace and closed before it returns.
/// </summary>
public interface IAttack
{
    AttackKind Kind { get; }

    AttackStats Run(LabNames names, AttackLimits limits, CancellationToken cancel);
}
