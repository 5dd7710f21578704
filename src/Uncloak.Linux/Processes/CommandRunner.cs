using System.ComponentModel;
using System.Diagnostics;

namespace Uncloak.Linux.Processes;

/// <summary>
/// The one way Uncloak runs another program (nft and iptables fallbacks, ip and sysctl in the lab, remedy commands; and,
/// through <c>Start</c> (service mode, <see cref="RunningCommand"/>), programs that keep running: journalctl -f, the
/// lab's daemon and web server, the rollback timer): an argument array, never a shell; stdout and stderr read whole; a time limit after which the program and its children
/// are killed; and, when the program is missing, a <see cref="CommandException"/> that says which program and where it
/// was looked for, instead of the runtime's bare "No such file or directory".
/// </summary>
public static class CommandRunner
{
    private static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>The program on PATH or in the system folders (sbin included, which a non-root PATH may lack), or null when it is not installed.</summary>
    public static string? Locate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? name : null;
        }
        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SystemFolders);
        return dirs.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Runs <paramref name="program"/> (a name looked up with <see cref="Locate"/>, or a path) and waits up to
    /// <paramref name="timeout"/>. <paramref name="environment"/> sets variables for the child (a null value removes one).
    /// Throws <see cref="CommandException"/> when the program cannot be started; a non-zero exit is a result, not an exception.
    /// </summary>
    public static CommandResult Run(string program, IEnumerable<string> args, TimeSpan timeout, byte[]? stdin = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var process = StartProcess(program, args, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        WriteInput(process, stdin);
        if (!process.WaitForExit(timeout))
        {
            Kill(process);
            return new CommandResult(-1, "", "", TimedOut: true);
        }
        return new CommandResult(process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>The same as <see cref="Run"/> without blocking a thread; <paramref name="cancel"/> kills the program like the time limit does.</summary>
    public static async Task<CommandResult> RunAsync(string program, IEnumerable<string> args, TimeSpan timeout, CancellationToken cancel = default)
    {
        using var process = StartProcess(program, args, environment: null);
        WriteInput(process, null);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            return new CommandResult(-1, "", "", TimedOut: true);
        }
        return new CommandResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    /// <summary>
    /// Starts <paramref name="program"/> to run beside Uncloak (service mode): see <see cref="RunningCommand"/>. Its standard
    /// input is closed; <paramref name="environment"/> as for <see cref="Run"/>. Throws <see cref="CommandException"/> when
    /// the program cannot be started.
    /// </summary>
    public static RunningCommand Start(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null,
        string? workingDirectory = null)
    {
        var process = StartProcess(program, args, environment, workingDirectory);
        WriteInput(process, null);
        return new RunningCommand(process);
    }

    private static Process StartProcess(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment, string? workingDirectory = null)
    {
        var path = Locate(program) ?? throw new CommandException(
            $"{program} is not installed: not found on PATH nor in {string.Join(", ", SystemFolders)}");
        var psi = new ProcessStartInfo(path)
        {
            // Always a pipe, closed after the input: a child never reads the daemon's or the terminal's stdin.
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        if (workingDirectory is not null)
        {
            psi.WorkingDirectory = workingDirectory;
        }
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                psi.Environment.Remove(key);
            }
            else
            {
                psi.Environment[key] = value;
            }
        }
        try
        {
            return Process.Start(psi) ?? throw new CommandException($"could not start {path}");
        }
        catch (Win32Exception e)
        {
            // Found but not runnable: no execute permission, a bad interpreter line, or a wrong architecture.
            throw new CommandException($"cannot run {path}: {e.Message}", e);
        }
    }

    private static void WriteInput(Process process, byte[]? stdin)
    {
        try
        {
            if (stdin is not null)
            {
                process.StandardInput.BaseStream.Write(stdin);
            }
            process.StandardInput.Close();
        }
        catch (IOException)
        {
            // The program exited without reading all of its input (EPIPE); its exit code and stderr say why.
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited between the time-out and the kill: nothing left to stop.
        }
    }
}
