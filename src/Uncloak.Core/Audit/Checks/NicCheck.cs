namespace Uncloak.Core.Audit.Checks;

/// <summary>A check of every physical NIC; yields one Skip when the host has none (virtual machines, containers).</summary>
public abstract class NicCheck : AuditCheck
{
    public override AuditGroup Group => AuditGroup.Nic;

    protected abstract IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot, InterfaceSnapshot nic);

    public override IEnumerable<CheckResult> Evaluate(SystemSnapshot snapshot)
    {
        var nics = snapshot.Interfaces.Where(i => i.IsPhysical).ToList();
        if (nics.Count == 0)
        {
            var names = snapshot.Interfaces.Where(i => !i.IsLoopback).Select(i => i.Ethtool?.Driver is { } d ? $"{i.Name} ({d})" : i.Name);
            return [Skip($"no physical NIC: only virtual interfaces ({string.Join(", ", names)}), which have no cable, switch port or duplex to get wrong.")];
        }
        return nics.SelectMany(n => Evaluate(snapshot, n));
    }

    protected static string Describe(InterfaceSnapshot nic) =>
        $"{(nic.SpeedMbps is { } s ? s + " Mb/s" : "speed unknown")} {nic.Duplex.ToString().ToLowerInvariant()} duplex" +
        (nic.Ethtool?.Autoneg is { } a ? $", autoneg {(a ? "on" : "off")}" : "");
}
