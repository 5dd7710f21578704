namespace Uncloak.Lab.Attacks;

/// <summary>
/// How hard and how long an attack runs. Every attack stops by itself at <see cref="Duration"/> or after
/// <see cref="MaxPackets"/> packets, whichever comes first.
/// </summary>
public sealed record AttackLimits
{
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public long MaxPackets { get; init; } = 200_000;

    /// <summary>Packets per second for the floods.</summary>
    public int Rate { get; init; } = 1_000;

    /// <summary>Connections the connection-holding attacks keep open at once.</summary>
    public int Connections { get; init; } = 64;

    /// <summary>ICMP echo payload bytes.</summary>
    public int PayloadBytes { get; init; } = 1_400;

    /// <summary>Validation errors, all at once (empty when valid).</summary>
    public IReadOnlyList<string> Errors()
    {
        var errors = new List<string>();
        if (Duration <= TimeSpan.Zero || Duration > TimeSpan.FromMinutes(10))
        {
            errors.Add("the attack duration must be between 0 and 600 seconds");
        }
        if (MaxPackets is < 1 or > 10_000_000)
        {
            errors.Add("the packet limit must be between 1 and 10,000,000");
        }
        if (Rate is < 1 or > 100_000)
        {
            errors.Add("the rate must be between 1 and 100,000 packets per second");
        }
        if (Connections is < 1 or > 10_000)
        {
            errors.Add("connections must be between 1 and 10,000");
        }
        if (PayloadBytes is < 0 or > 65_000)
        {
            errors.Add("the ICMP payload must be between 0 and 65,000 bytes");
        }
        return errors;
    }
}
