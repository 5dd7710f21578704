namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.duplex`: a switched server port runs full duplex.</summary>
public sealed class NicDuplexCheck : NicCheck
{
    public override string Id => "nic.duplex";
    public override Severity Severity => Severity.High;
    public override string Title => "The link runs full duplex";
    public override string Expected => "Full duplex";

    public override string Rationale =>
        "Half duplex means this NIC believes it shares the wire and must stop sending whenever it hears the other side " +
        "(CSMA/CD). On a switched port that is almost always one half of a duplex mismatch: the switch port was forced to a " +
        "speed and duplex, this side autonegotiated, heard no negotiation and fell back to half duplex (parallel detection " +
        "can sense speed, not duplex). The link works when idle and falls apart under load: the half-duplex side sees late " +
        "collisions and backs off, the full-duplex side sees CRC errors, TCP sees loss and retransmits, throughput collapses " +
        "to a fraction of the line rate and connections stall for seconds. It looks exactly like an attack or a slow " +
        "application. Both ends must autonegotiate, or both must be forced to the same speed and full duplex.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        if (nic.OperState is not "up")
        {
            yield return Skip($"{nic.Name} is {nic.OperState ?? "in an unknown state"}: no link to judge.", nic.Name);
            yield break;
        }
        switch (nic.Duplex)
        {
            case Events.Duplex.Full:
                yield return Pass(Describe(nic), nic.Name);
                break;
            case Events.Duplex.Half:
                bool forcedHere = nic.Ethtool?.Autoneg == false;
                yield return NotMet(Describe(nic), new Fix
                {
                    Nic = forcedHere ? [new NicChange(nic.Name, NicAction.EnableAutoneg)] : [],
                    Manual = forcedHere
                        ? "Set the switch port to auto/auto as well, so both ends negotiate."
                        : $"This side negotiates, so the switch port is forced: set it to auto/auto. If it must stay forced, force this side to the same, e.g. ethtool -s {nic.Name} speed {nic.SpeedMbps ?? 100} duplex full autoneg off",
                }, nic.Name, forcedHere
                    ? "This side is forced to half duplex."
                    : "Half duplex on a switched port: the classic duplex mismatch (see nic.autoneg and nic.errors).");
                break;
            default:
                yield return Skip($"{nic.Name}: the driver reports no duplex.", nic.Name);
                break;
        }
    }
}
