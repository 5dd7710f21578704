namespace Uncloak.Lab.Attacks;

/// <summary>The attacks the lab runs, as they are named on the command line.</summary>
public enum AttackKind
{
    /// <summary>Complete handshakes, request the large file, then hold the window at 0 and keep the connection alive (sockstress).</summary>
    ZeroWindow,

    /// <summary>Offer a window, let data into it, then acknowledge nothing and advertise 0: the right edge moves back ("treason").</summary>
    WindowShrink,

    /// <summary>Ordinary connections with a tiny receive buffer that read a few bytes per interval.</summary>
    SlowRead,

    /// <summary>SYNs from spoofed 198.18.128.0/17 sources at a fixed rate.</summary>
    SynFlood,

    /// <summary>ICMP echo requests with large payloads at a fixed rate.</summary>
    IcmpFlood,
}

/// <summary>Command-line names of <see cref="AttackKind"/>.</summary>
public static class AttackNames
{
    public static readonly IReadOnlyList<(AttackKind Kind, string Name)> All =
    [
        (AttackKind.ZeroWindow, "zero-window"), (AttackKind.WindowShrink, "window-shrink"), (AttackKind.SlowRead, "slow-read"),
        (AttackKind.SynFlood, "syn-flood"), (AttackKind.IcmpFlood, "icmp-flood"),
    ];

    public static string Name(this AttackKind kind) => All.First(a => a.Kind == kind).Name;

    public static bool TryParse(string text, out AttackKind kind)
    {
        foreach (var (k, n) in All)
        {
            if (string.Equals(n, text, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }
}
