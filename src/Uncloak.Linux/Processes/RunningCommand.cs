using System.Diagnostics;
using System.Runtime.InteropServices;
using Uncloak.Linux.Interop;

namespace Uncloak.Linux.Processes;

/// <summary>
/// A program started by <c>CommandRunner.Start</c> that keeps running beside Uncloak (a daemon under test, a web
/// server, <c>journalctl -f</c>): its output read as a stream or line by line, signals, a wait with a bound, and a kill
/// of its whole tree on dispose unless it was <see cref="Detach"/>ed. Its standard input is closed at start.
/// </summary>
public sealed class RunningCommand : IAsyncDisposable, IDisposable
{
    private readonly Process _process;
    private bool _detached;

    internal RunningCommand(Process process) => _process = process;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code; only once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    /// <summary>Standard output as a stream, for a caller that parses it (do not combine with <see cref="ReadLines"/>).</summary>
    public StreamReader Output => _process.StandardOutput;

    /// <summary>Standard error as a stream (do not combine with <see cref="ReadLines"/>).</summary>
    public StreamReader Error => _process.StandardError;

    /// <summary>Hands every line of standard output and standard error to <paramref name="line"/> as it comes, on a pool thread.</summary>
    public void ReadLines(Action<string> line)
    {
        ArgumentNullException.ThrowIfNull(line);
        _process.OutputDataReceived += (_, e) => Deliver(line, e.Data);
        _process.ErrorDataReceived += (_, e) => Deliver(line, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    private static void Deliver(Action<string> line, string? data)
    {
        if (data is not null)
        {
            line(data);
        }
    }

    /// <summary>
    /// Sends <paramref name="signal"/> (SIGTERM, SIGINT, SIGHUP or SIGQUIT); false when the process is already gone.
    /// Throws <see cref="ArgumentOutOfRangeException"/> for other signals (SIGKILL is <see cref="Kill"/>).
    /// </summary>
    public bool Signal(PosixSignal signal)
    {
        int number = signal switch
        {
            PosixSignal.SIGTERM => Libc.SIGTERM,
            PosixSignal.SIGINT => Libc.SIGINT,
            PosixSignal.SIGHUP => Libc.SIGHUP,
            PosixSignal.SIGQUIT => Libc.SIGQUIT,
            _ => throw new ArgumentOutOfRangeException(nameof(signal), signal, "send SIGTERM, SIGINT, SIGHUP or SIGQUIT; Kill() for SIGKILL"),
        };
        // ESRCH (it exited, or was reaped) is the only failure for our own child: that is the false.
        return !_process.HasExited && Libc.Kill(_process.Id, number) == 0;
    }

    /// <summary>Waits until the program exits, at most <paramref name="limit"/>; true when it exited. <paramref name="cancel"/> throws.</summary>
    public async Task<bool> WaitAsync(TimeSpan limit, CancellationToken cancel = default)
    {
        try
        {
            await _process.WaitForExitAsync(cancel).WaitAsync(limit, cancel).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Kills the program and its children (SIGKILL) if it still runs.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // It exited in between: nothing left to stop.
        }
    }

    /// <summary>Lets the program outlive this object (a rollback timer in its own session): its pipes are closed, and dispose no longer kills it.</summary>
    public void Detach()
    {
        _detached = true;
        _process.StandardOutput.Close();
        _process.StandardError.Close();
    }

    public void Dispose()
    {
        if (!_detached && !_process.HasExited)
        {
            Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_detached && !_process.HasExited)
        {
            Kill();
            await WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        _process.Dispose();
    }
}
