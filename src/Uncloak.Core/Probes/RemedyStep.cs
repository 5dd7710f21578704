namespace Uncloak.Core.Probes;

/// <summary>
/// One step of an outage remedy: a command (argument array, no shell), or a systemd unit restart (<see cref="RestartUnit"/>),
/// which is asked of systemd over D-Bus, with <see cref="Command"/> (<c>systemctl restart UNIT</c>) as the fallback when
/// the system bus cannot be reached.
/// </summary>
public sealed record RemedyStep(IReadOnlyList<string> Command, string? RestartUnit = null)
{
    public static RemedyStep Restart(string unit) => new(["systemctl", "restart", unit], unit);

    /// <summary>How the step reads in logs and stored actions.</summary>
    public override string ToString() => RestartUnit is { } unit ? $"restart {unit} (D-Bus)" : string.Join(' ', Command);
}
