namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.autoneg`: both ends autonegotiate (the report's duplex mismatch starts with one side forced).</summary>
public sealed class NicAutonegCheck : NicCheck
{
    public override string Id => "nic.autoneg";
    public override Severity Severity => Severity.High;
    public override string Title => "Both ends of the link autonegotiate";
    public override string Expected => "autoneg on here, and the link partner advertising its modes";

    public override string Rationale =>
        "Autonegotiation is how two Ethernet ends agree on speed and duplex. If one end is forced (autoneg off) and the " +
        "other negotiates, the negotiating end hears no offer, detects the speed from the signal, and must assume half " +
        "duplex: the forced end runs full, the other half, and the link degrades under load (see nic.duplex). Forcing both " +
        "ends to the same setting works but is fragile: the next replaced switch or NIC negotiates and the mismatch is back. " +
        "Gigabit over copper requires autonegotiation anyway. On our side, ethtool reports autoneg; the other side shows in " +
        "the link partner's advertised modes, which are empty when the partner did not negotiate.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        if (nic.Ethtool is not { Autoneg: { } autoneg } eth)
        {
            yield return Skip($"{nic.Name}: the driver does not report link settings.", nic.Name);
            yield break;
        }
        bool canNegotiate = eth.Supported.Contains("Autoneg");
        string partner = eth.LinkPartner.Count > 0 ? "partner advertises " + string.Join(" ", eth.LinkPartner) : "partner advertises nothing";
        string observed = $"{Describe(nic)}; {partner}";
        if (!autoneg)
        {
            if (!canNegotiate)
            {
                yield return Pass(observed, nic.Name, "This NIC does not support autonegotiation (fixed-speed or fibre): nothing to negotiate.");
                yield break;
            }
            yield return NotMet(observed, new Fix
            {
                Nic = [new NicChange(nic.Name, NicAction.EnableAutoneg)],
                Manual = "Set the switch port to auto/auto too; forcing only one end causes the duplex mismatch.",
            }, nic.Name, "This side is forced. Unless the switch port is forced to exactly the same speed and full duplex, the switch falls back to half duplex.");
            yield break;
        }
        if (nic.OperState == "up" && eth.LinkPartner.Count == 0 && nic.Duplex == Events.Duplex.Half)
        {
            yield return NotMet(observed, Fix.Advice("The switch port is forced: set it to auto/auto (ask whoever runs the switch)."), nic.Name,
                "This side negotiates, the partner offered nothing and the link came up half duplex: the partner is forced and parallel detection fell back to half duplex.");
            yield break;
        }
        yield return Pass(observed, nic.Name, eth.LinkPartner.Count == 0 ? "The driver does not report the partner's modes; the link is not half duplex, so nothing suggests a forced partner." : null);
    }
}
