namespace Uncloak.Core.Audit;

/// <summary>One sysctl to set, by dotted name.</summary>
public sealed record SysctlChange(string Key, string Value)
{
    /// <summary>
    /// The path under /proc/sys ("net.ipv4.conf.eth0.rp_filter" → "net/ipv4/conf/eth0/rp_filter"). A key already in
    /// slash form (needed when an interface name has a dot, "net/ipv4/conf/eth0.100/rp_filter", as sysctl.d allows) is kept.
    /// </summary>
    public string ProcPath => Key.Contains('/') ? Key : Key.Replace('.', '/');

    public override string ToString() => $"{Key}={Value}";
}
