namespace Uncloak.Lab.Attacks;

/// <summary>The attacker for each <see cref="AttackKind"/>.</summary>
public static class Attackers
{
    public static IAttack Create(AttackKind kind) => kind switch
    {
        AttackKind.ZeroWindow or AttackKind.WindowShrink => new WindowHolder(kind),
        AttackKind.SlowRead => new SlowReader(),
        AttackKind.SynFlood => new SynFlood(),
        AttackKind.IcmpFlood => new IcmpFlood(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
