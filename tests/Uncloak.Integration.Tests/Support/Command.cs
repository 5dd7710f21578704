using Uncloak.Linux.Processes;

namespace Uncloak.Integration.Tests.Support;

/// <summary>Runs a tool with an argument array (never a shell), bounded in time; failure throws with its stderr.</summary>
public static class Command
{
    public static string Run(string file, params string[] args) => Run(file, check: true, args);

    public static string Run(string file, bool check, params string[] args)
    {
        var r = CommandRunner.Run(file, args, TimeSpan.FromSeconds(30));
        if (r.TimedOut)
        {
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 30 s");
        }
        if (check && r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({r.ExitCode}): {r.Error}");
        }
        return r.Output;
    }
}
