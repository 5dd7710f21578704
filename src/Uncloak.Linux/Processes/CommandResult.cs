namespace Uncloak.Linux.Processes;

/// <summary>What an external program did: its exit code and output, or that it ran out of time and was killed.</summary>
/// <param name="ExitCode">The exit code; -1 when <paramref name="TimedOut"/>.</param>
/// <param name="Output">Everything it wrote to stdout.</param>
/// <param name="Error">Everything it wrote to stderr.</param>
/// <param name="TimedOut">True when it did not finish within the time limit and was killed with its children.</param>
public sealed record CommandResult(int ExitCode, string Output, string Error, bool TimedOut = false)
{
    /// <summary>Finished in time with exit code 0.</summary>
    public bool Ok => ExitCode == 0 && !TimedOut;
}
