namespace Uncloak.Core.Audit;

/// <summary>
/// What to do about a finding: sysctl changes (which `uncloak audit --fix` can apply and persist), NIC changes
/// (applied only with --nic), and/or advice for what no tool here can change (the switch port, the application's
/// listen backlog). Text is exact: keys, values and commands as they would be typed.
/// </summary>
public sealed record Fix
{
    public IReadOnlyList<SysctlChange> Sysctls { get; init; } = [];

    public IReadOnlyList<NicChange> Nic { get; init; } = [];

    /// <summary>Steps outside this host's sysctls and NIC settings, in words; null when the changes above are the whole fix.</summary>
    public string? Manual { get; init; }

    public static Fix Sysctl(params SysctlChange[] changes) => new() { Sysctls = changes };

    public static Fix Advice(string text) => new() { Manual = text };

    /// <summary>The fix as commands and advice, one line each (what the human report prints).</summary>
    public IEnumerable<string> Lines()
    {
        if (Sysctls.Count > 0)
        {
            yield return "sysctl -w " + string.Join(' ', Sysctls.Select(s => s.ToString()));
        }
        foreach (var n in Nic)
        {
            yield return n.Command;
        }
        if (Manual is not null)
        {
            yield return Manual;
        }
    }
}

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

/// <summary>What --nic can change on an interface.</summary>
public enum NicAction
{
    /// <summary>Stop honouring and sending 802.3x pause frames (ETHTOOL_SPAUSEPARAM autoneg=0 rx=0 tx=0).</summary>
    DisablePause,

    /// <summary>Turn autonegotiation on, advertising every supported mode (ETHTOOL_SLINKSETTINGS).</summary>
    EnableAutoneg,
}

/// <summary>A NIC change and the ethtool command that does the same, printed before it is applied.</summary>
public sealed record NicChange(string Interface, NicAction Action)
{
    public string Command => Action switch
    {
        NicAction.DisablePause => $"ethtool -A {Interface} autoneg off rx off tx off",
        NicAction.EnableAutoneg => $"ethtool -s {Interface} autoneg on",
        _ => throw new ArgumentOutOfRangeException(nameof(Action)),
    };
}
