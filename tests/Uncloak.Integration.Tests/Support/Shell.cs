using Uncloak.Linux.Processes;

namespace Uncloak.Integration.Tests.Support;

/// <summary>Runs a program through the product's runner (<see cref="CommandRunner"/>) with a time limit; the test fails with its output if asked to.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }

    public static Result Run(IReadOnlyList<string> args, IDictionary<string, string>? env = null, byte[]? stdin = null, int timeoutMs = 120_000)
    {
        // The product reads SSH_CONNECTION; a test run from an SSH session must not inherit it by accident.
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal) { ["SSH_CONNECTION"] = null, ["SSH_CLIENT"] = null };
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            environment[k] = v;
        }
        var r = CommandRunner.Run(args[0], args.Skip(1), TimeSpan.FromMilliseconds(timeoutMs), stdin, environment);
        return r.TimedOut
            ? throw new TimeoutException($"{string.Join(' ', args)} did not finish in {timeoutMs} ms")
            : new Result(r.ExitCode, r.Output, r.Error);
    }

    public static Result Check(params string[] args)
    {
        var r = Run(args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"{string.Join(' ', args)} failed: {r}");
        }
        return r;
    }
}
