using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;

namespace Uncloak.Lab.Runs;

/// <summary>Which cells a matrix runs and how long each lasts.</summary>
public static class MatrixPlan
{
    /// <summary>
    /// The CI mode: each cell's attack lasts 12 s (about 16 s with the lab's set-up), and only the cells whose verdicts matter
    /// run: each attack without defence, each with the defence meant for it, and the SYN rate limit for the record.
    /// </summary>
    public static IReadOnlyList<CellPlan> Short(bool preferApache)
    {
        (AttackKind, DefenceKind)[] cells =
        [
            (AttackKind.ZeroWindow, DefenceKind.None), (AttackKind.ZeroWindow, DefenceKind.Uncloak),
            (AttackKind.WindowShrink, DefenceKind.None), (AttackKind.WindowShrink, DefenceKind.Uncloak),
            (AttackKind.SlowRead, DefenceKind.None), (AttackKind.SlowRead, DefenceKind.Uncloak),
            (AttackKind.SynFlood, DefenceKind.None), (AttackKind.SynFlood, DefenceKind.SynCookies),
            (AttackKind.SynFlood, DefenceKind.SynRateLimit), (AttackKind.SynFlood, DefenceKind.Uncloak),
            (AttackKind.IcmpFlood, DefenceKind.None),
        ];
        return [.. cells.Select(c => new CellPlan(c.Item1, c.Item2)
        {
            Limits = new AttackLimits { Duration = TimeSpan.FromSeconds(12) },
            Warmup = TimeSpan.FromSeconds(1.5),
            PreferApache = preferApache,
        })];
    }

    /// <summary>Every attack against every defence, 20 s attacks.</summary>
    public static IReadOnlyList<CellPlan> Full(bool preferApache)
        => [.. AttackNames.All.SelectMany(a => DefenceNames.All.Select(d => new CellPlan(a.Kind, d.Kind)
        {
            Limits = new AttackLimits { Duration = TimeSpan.FromSeconds(20) },
            PreferApache = preferApache,
        }))];
}
