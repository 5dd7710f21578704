namespace Uncloak.Core.Audit.Checks;

/// <summary>`nic.speed`: the link runs at the best speed both ends support.</summary>
public sealed class NicSpeedCheck : NicCheck
{
    public override string Id => "nic.speed";
    public override Severity Severity => Severity.Medium;
    public override string Title => "The link runs at the speed both ends can do";
    public override string Expected => "speed = the highest mode both this NIC and the link partner advertise";

    public override string Rationale =>
        "A link that comes up slower than both ends can run (100 Mb/s on gigabit hardware) has a reason: a forced port, a " +
        "cable with a broken pair (gigabit needs all four pairs, 100 Mb/s only two, and some PHYs silently downshift), a bad " +
        "patch panel, or a partner that really is slower. It caps throughput and, at 100 Mb/s, makes a server saturate its " +
        "link long before its CPU. When the partner's advertised modes are known the comparison is exact; when they are not, " +
        "the NIC's own best supported speed is the reference and the verdict is a warning.";

    protected override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic)
    {
        if (nic.OperState is not "up" || nic.SpeedMbps is not { } speed)
        {
            yield return Skip($"{nic.Name}: no link speed reported.", nic.Name);
            yield break;
        }
        if (nic.Ethtool is not { } eth || eth.Supported.Count == 0)
        {
            yield return Skip($"{nic.Name}: runs at {speed} Mb/s; the driver reports no link modes to compare with.", nic.Name);
            yield break;
        }
        var fix = new Fix
        {
            Manual = $"Check the cable (all four pairs; swap it), the switch port's speed setting, and the partner's capabilities; after fixing, ethtool -r {nic.Name} renegotiates.",
        };
        if (eth.LinkPartner.Count > 0 && LinkModes.BestCommonSpeed(eth.Advertised.Count > 0 ? eth.Advertised : eth.Supported, eth.LinkPartner) is { } best)
        {
            string observed = $"{speed} Mb/s; best common mode {best} Mb/s";
            if (speed >= best)
            {
                yield return Pass(observed, nic.Name);
            }
            else
            {
                yield return NotMet(observed, fix, nic.Name, $"Both ends advertise {best} Mb/s but the link runs at {speed} Mb/s: the PHY downshifted (cable or port fault).");
            }
            yield break;
        }
        if (LinkModes.MaxSpeed(eth.Supported) is { } ours && speed < ours)
        {
            yield return Warn($"{speed} Mb/s; this NIC supports {ours} Mb/s; partner's modes unknown", fix, nic.Name,
                "The partner did not advertise its modes (forced, or the driver does not report them): it may be slower, forced, or the cable may be faulty.");
            yield break;
        }
        yield return Pass($"{speed} Mb/s, the best this NIC supports", nic.Name);
    }
}
