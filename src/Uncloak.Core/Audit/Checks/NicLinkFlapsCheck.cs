namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.link_flaps`: the link has not gone down since it first came up.</summary>
public sealed class NicLinkFlapsCheck : NicCheck
{
    /// <summary>Flaps since boot from which the link is failing rather than having been unplugged once.</summary>
    public const long FailAt = 3;

    public override string Id => "nic.link_flaps";
    public override Severity Severity => Severity.High;
    public override string Title => "The link has not flapped since boot";
    public override string Expected => "no carrier loss since the link first came up";

    public override string Rationale =>
        "Each link flap takes the interface down for seconds: renegotiation, the routing daemon or bonding reacting, ARP " +
        "tables and TCP retransmission timers recovering. Clients see it as a dead server. A flap or two since boot may be " +
        "a reseated cable or switch maintenance; repeated flaps point at a failing cable, transceiver or switch port, power " +
        "saving (EEE) disagreements, or an autonegotiation fight. The driver's \"Link is Down/Up\" lines in the kernel log " +
        "give the times (`uncloak analyze` lines them up with outages); carrier_changes and carrier_down_count in sysfs " +
        "count them even when the log has rotated.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        if (nic.LinkFlaps is not { } flaps)
        {
            yield return Skip($"{nic.Name}: no carrier counters in sysfs (kernel before ≈3.15).", nic.Name);
            yield break;
        }
        string observed = $"{flaps} flap(s): carrier_changes={nic.CarrierChanges?.ToString() ?? "?"} carrier_down_count={nic.CarrierDownCount?.ToString() ?? "?"}";
        if (flaps == 0)
        {
            yield return Pass(observed, nic.Name);
            yield break;
        }
        var fix = Fix.Advice($"Find when: grep -E '{nic.Name}.*(Link is|link) (Down|down|Up|up)' /var/log/kern.log. Replace the cable or transceiver, check the switch port's log, and if EEE is on try ethtool --set-eee {nic.Name} eee off.");
        yield return flaps >= FailAt
            ? NotMet(observed, fix, nic.Name, $"The link went down {flaps} times since boot: something in the path is failing.")
            : Warn(observed, fix, nic.Name, "A flap or two can be maintenance or a reseated cable; more means a failing link.");
    }
}
