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

    /// <summary>The commands of the fix, one line each, exactly as they would be typed (the advice is <see cref="Manual"/>).</summary>
    public IEnumerable<string> Commands()
    {
        if (Sysctls.Count > 0)
        {
            yield return "sysctl -w " + string.Join(' ', Sysctls.Select(s => s.ToString()));
        }
        foreach (var n in Nic)
        {
            yield return n.Command;
        }
    }
}
