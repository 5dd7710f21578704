using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;

namespace Uncloak.Lab.Runs;

/// <summary>
/// One cell of the matrix: an attack against the victim under a defence. The probe runs for <see cref="Warmup"/> before the
/// attack (the baseline) and through it; the steady state is the attack's time after <see cref="Settle"/> (the defence has
/// had time to act) and before the last probe timeout (so no request started under attack is served after it ended).
/// </summary>
public sealed record CellPlan(AttackKind Attack, DefenceKind Defence)
{
    public AttackLimits Limits { get; init; } = new();

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(4);

    public TimeSpan ProbeInterval { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan ProbeTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The victim's concurrency limit (Kestrel connections, Apache prefork workers).</summary>
    public int Workers { get; init; } = 16;

    /// <summary>Use Apache httpd (prefork) when installed; false forces the built-in Kestrel victim.</summary>
    public bool PreferApache { get; init; } = true;

    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>(Limits.Errors());
        if (Settle + ProbeTimeout >= Limits.Duration)
        {
            errors.Add($"the attack must last longer than the settle time plus the probe timeout ({(Settle + ProbeTimeout).TotalSeconds:0.#} s)");
        }
        if (Workers is < 1 or > 1024)
        {
            errors.Add("workers must be between 1 and 1024");
        }
        return errors;
    }
}
