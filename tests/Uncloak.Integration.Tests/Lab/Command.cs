using System.Diagnostics;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>Runs a tool with an argument array (never a shell), bounded in time; failure throws with its stderr.</summary>
public static class Command
{
    public static string Run(string file, params string[] args) => Run(file, check: true, args);

    public static string Run(string file, bool check, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 30 s");
        }
        if (check && p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}");
        }
        return stdout.Result;
    }
}
