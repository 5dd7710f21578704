using Uncloak.Core.Enforcement;
using Uncloak.Core.Probes;
using Uncloak.Linux.Systemd;
using Uncloak.Daemon.Logging;
using Uncloak.Linux.Processes;

namespace Uncloak.Daemon.Probes;

/// <summary>
/// Carries out an outage remedy's steps in order, the first failure stopping the rest (a bounce whose "down" failed changed
/// nothing; one whose "up" failed is reported as such). Commands run as argument arrays, killed after a minute; a unit
/// restart goes to systemd over D-Bus and waits for its job, falling back to <c>systemctl restart</c> — said in the log and
/// in the outcome — only when the system bus or systemd on it cannot be reached. The remedy action of <see cref="IEnforcer"/>.
/// </summary>
public sealed class RemedyRunner(WatchLog log, TimeSpan stepTimeout) : IEnforcer
{
    public bool Enforces(EnforcementKind kind) => kind == EnforcementKind.Remedy;

    /// <summary>Runs the steps to the end (up to a minute each): blocks the calling thread, so the engine calls it off its own.</summary>
    public EnforcementResult Execute(EnforcementAction action, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (action.Kind != EnforcementKind.Remedy)
        {
            return EnforcementResult.RecordedOnly($"{action.Kind} is not a remedy");
        }
        var (ok, outcome) = RunAsync(action.Key, action.Steps).GetAwaiter().GetResult();
        return new EnforcementResult(ok, outcome, ok ? action.Steps.Count : 0, ok ? 0 : 1);
    }

    /// <summary>Runs every step; the outcome names the failed step, or the last step's result when all succeeded. Never throws for a failed step.</summary>
    public async Task<(bool Ok, string Outcome)> RunAsync(string probe, IReadOnlyList<RemedyStep> steps)
    {
        string outcome = "";
        foreach (var step in steps)
        {
            (bool ok, outcome) = step.RestartUnit is { } unit ? await RestartAsync(probe, unit, step.Command).ConfigureAwait(false) : await RunCommandAsync(step.Command).ConfigureAwait(false);
            if (!ok)
            {
                return (false, $"{step}: {outcome}");
            }
        }
        return (true, outcome);
    }

    private async Task<(bool, string)> RestartAsync(string probe, string unit, IReadOnlyList<string> fallback)
    {
        try
        {
            var job = await SystemdUnits.RestartAsync(unit, stepTimeout).ConfigureAwait(false);
            return (job.Succeeded, $"restart {unit} over D-Bus: job {job.Job} {job.Result}");
        }
        catch (SystemdBusException e) when (e.Unreachable)
        {
            // No system bus (dbus-daemon absent or stopped) does not mean no systemd: systemctl also reaches it through
            // its private socket /run/systemd/private. Anything else systemd said (no such unit, access denied) is final.
            log.RemedyBusUnreachable(probe, unit, e.Message);
            var (ok, text) = await RunCommandAsync(fallback).ConfigureAwait(false);
            return (ok, $"D-Bus unreachable ({e.Message}); {string.Join(' ', fallback)}: {text}");
        }
        catch (SystemdBusException e)
        {
            return (false, e.Message);
        }
    }

    private async Task<(bool, string)> RunCommandAsync(IReadOnlyList<string> command)
    {
        CommandResult r;
        try
        {
            r = await CommandRunner.RunAsync(command[0], command.Skip(1), stepTimeout).ConfigureAwait(false);
        }
        catch (CommandException e)
        {
            return (false, "cannot run: " + e.Message);
        }
        if (r.TimedOut)
        {
            return (false, $"killed after {stepTimeout.TotalSeconds:0} s");
        }
        return r.ExitCode == 0 ? (true, "exit 0") : (false, $"exit {r.ExitCode}: {r.Error.Trim()}");
    }
}
