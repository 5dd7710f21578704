using System.Diagnostics;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>Runs a program with an argument array (no shell) and a time limit; the test fails with its output if asked to.</summary>
public static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}";
    }

    public static Result Run(IReadOnlyList<string> args, IDictionary<string, string>? env = null, byte[]? stdin = null, int timeoutMs = 120_000)
    {
        var psi = new ProcessStartInfo(args[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var a in args.Skip(1))
        {
            psi.ArgumentList.Add(a);
        }
        // The product reads SSH_CONNECTION; a test run from an SSH session must not inherit it by accident.
        psi.Environment.Remove("SSH_CONNECTION");
        psi.Environment.Remove("SSH_CLIENT");
        foreach (var (k, v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            p.StandardInput.BaseStream.Write(stdin);
        }
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }
        return new Result(p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
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
