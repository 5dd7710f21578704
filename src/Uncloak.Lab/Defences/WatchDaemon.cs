using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Processes;
using Uncloak.Core.Forensics.Incidents;
using Uncloak.Store;
using Uncloak.Store.Incidents;
using Uncloak.Store.Watch;

namespace Uncloak.Lab.Defences;

/// <summary>
/// The product defending the victim: the <c>uncloak watch</c> daemon itself — this very binary started again, inside the
/// server namespace (<c>ip netns exec</c>), with the shipped defaults (<see cref="LabConfig"/>) and its store, config and
/// sd_notify socket in a temporary directory. It is ready when it says so over sd_notify (READY=1, as under systemd);
/// it stops on SIGTERM at the end of the cell, and by itself (coreutils <c>timeout</c>) if the lab dies before that.
/// What it decided is read back from its store after it stopped.
/// </summary>
public sealed class WatchDaemon : IAsyncDisposable
{
    /// <summary>How long a started daemon may take to report READY=1 (a JIT build on two busy cores takes a few seconds).</summary>
    public static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(30);

    /// <summary>How long it may take to drain and exit after SIGTERM.</summary>
    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(15);

    private const int LogLines = 40;

    private readonly RunningCommand _process;
    private readonly string _directory;
    private readonly Socket _notify;
    private readonly Queue<string> _log = new();
    private readonly CancellationTokenSource _closing = new();
    private Task _listening = Task.CompletedTask;

    private WatchDaemon(RunningCommand process, string directory, Socket notify)
    {
        _process = process;
        _directory = directory;
        _notify = notify;
        _process.ReadLines(Remember);
    }

    /// <summary>The store the daemon writes (in the temporary directory).</summary>
    public string StorePath => Path.Combine(_directory, "uncloak.db");

    /// <summary>
    /// Starts the daemon in <paramref name="names"/>' server namespace and waits for READY=1. It exits by itself after
    /// <paramref name="lifetime"/> at the latest. Throws <see cref="LabException"/> (with the daemon's last log lines) when
    /// it cannot start or exits early; nothing is left running or on disk then.
    /// </summary>
    public static Task<WatchDaemon> StartAsync(LabNames names, TimeSpan lifetime, CancellationToken cancel)
        => StartAsync(names, lifetime, LabConfig.Render, cancel);

    /// <summary>As <see cref="StartAsync(LabNames, TimeSpan, CancellationToken)"/>, with the config <paramref name="config"/> renders for a store path.</summary>
    public static async Task<WatchDaemon> StartAsync(LabNames names, TimeSpan lifetime, Func<string, string> config, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(config);
        var dir = Directory.CreateTempSubdirectory("uncloak-lab-watch-").FullName;
        Socket? notify = null;
        WatchDaemon? daemon = null;
        try
        {
            string configPath = Path.Combine(dir, "uncloak.yaml");
            await File.WriteAllTextAsync(configPath, config(Path.Combine(dir, "uncloak.db")), cancel);
            string notifyPath = Path.Combine(dir, "notify");
            notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            notify.Bind(new UnixDomainSocketEndPoint(notifyPath));

            // ip netns exec execs timeout, so the started process is timeout, which passes SIGTERM on to the daemon and
            // kills it (then SIGKILL 5 s later) when the lifetime is over although nobody asked.
            string[] args =
            [
                "netns", "exec", names.Server, "timeout", "--kill-after=5",
                ((int)Math.Ceiling(lifetime.TotalSeconds)).ToString(CultureInfo.InvariantCulture),
                .. SelfCommand.Arguments(), "watch", "--config", configPath,
            ];
            // Plain log lines, no watchdog: the lab is the daemon's supervisor here, not this host's systemd.
            var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
            {
                ["NOTIFY_SOCKET"] = notifyPath, ["JOURNAL_STREAM"] = null, ["WATCHDOG_USEC"] = null, ["WATCHDOG_PID"] = null, ["INVOCATION_ID"] = null,
            };
            var process = CommandRunner.Start("ip", args, environment);
            daemon = new WatchDaemon(process, dir, notify);
            await daemon.WaitReadyAsync(cancel);
            return daemon;
        }
        catch (Exception e) when (e is IOException or SocketException or CommandException or LabException or OperationCanceledException)
        {
            if (daemon is not null)
            {
                await daemon.DisposeAsync();
            }
            else
            {
                notify?.Dispose();
                Directory.Delete(dir, recursive: true);
            }
            if (e is LabException or OperationCanceledException)
            {
                throw;
            }
            throw new LabException("cannot start uncloak watch: " + e.Message, e);
        }
    }

    private async Task WaitReadyAsync(CancellationToken cancel)
    {
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _listening = ListenAsync(ready);
        var exited = _process.WaitAsync(Timeout.InfiniteTimeSpan, cancel);
        var done = await Task.WhenAny(ready.Task, exited, Task.Delay(StartLimit, cancel));
        cancel.ThrowIfCancellationRequested();
        if (done == exited)
        {
            throw new LabException($"uncloak watch exited ({_process.ExitCode}) before it was ready:\n{LastLog()}");
        }
        if (done != ready.Task)
        {
            throw new LabException($"uncloak watch did not report READY=1 within {StartLimit.TotalSeconds:0} s:\n{LastLog()}");
        }
    }

    /// <summary>
    /// Reads the daemon's sd_notify datagrams for its whole life, as systemd does: READY=1 completes <paramref name="ready"/>;
    /// the rest (WATCHDOG=1 every tick, STOPPING=1) must be read too, or the socket's queue fills and the daemon's next
    /// notification blocks it.
    /// </summary>
    private async Task ListenAsync(TaskCompletionSource ready)
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = await _notify.ReceiveAsync(buffer, SocketFlags.None, _closing.Token);
                // sd_notify datagrams are newline-separated assignments; READY=1 comes once the sources run.
                if (Encoding.UTF8.GetString(buffer, 0, n).Split('\n').Contains("READY=1"))
                {
                    ready.TrySetResult();
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Disposed with the daemon: nothing more to read.
        }
    }

    /// <summary>
    /// Stops the daemon with SIGTERM (it commits what it read and exits 0) and returns what it decided, from its store.
    /// Throws <see cref="LabException"/> when it had stopped by itself, did not exit in time or exited with a failure: a
    /// defence that silently stopped would fake a result.
    /// </summary>
    public async Task<IReadOnlyList<ActionRecord>> StopAsync()
    {
        if (_process.HasExited)
        {
            throw new LabException($"uncloak watch stopped during the cell ({_process.ExitCode}):\n{LastLog()}");
        }
        _process.Signal(PosixSignal.SIGTERM);
        if (!await _process.WaitAsync(StopLimit))
        {
            throw new LabException($"uncloak watch did not stop within {StopLimit.TotalSeconds:0} s of SIGTERM:\n{LastLog()}");
        }
        if (_process.ExitCode != 0)
        {
            throw new LabException($"uncloak watch exited with {_process.ExitCode}:\n{LastLog()}");
        }
        try
        {
            using var store = SqliteStore.Open(StorePath);
            return new WatchStore(store).Actions();
        }
        catch (StoreException e)
        {
            throw new LabException("cannot read the daemon's store: " + e.Message, e);
        }
    }

    /// <summary>
    /// The incidents the daemon stored so far (read while it runs: the store is SQLite in WAL mode, and a reader never
    /// blocks its writer). Throws <see cref="LabException"/> when the store cannot be read.
    /// </summary>
    public IReadOnlyList<Incident> Incidents()
    {
        try
        {
            using var store = SqliteStore.OpenReader(StorePath);
            return new IncidentStore(store).List();
        }
        catch (StoreException e)
        {
            throw new LabException("cannot read the daemon's incidents: " + e.Message, e);
        }
    }

    /// <summary>The daemon's last log lines (standard error and output), for messages.</summary>
    public string LastLog()
    {
        lock (_log)
        {
            return string.Join('\n', _log);
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_log)
        {
            _log.Enqueue(line);
            if (_log.Count > LogLines)
            {
                _log.Dequeue();
            }
        }
    }

    /// <summary>Kills the daemon if it still runs (a failed cell) and removes the temporary directory.</summary>
    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        await _closing.CancelAsync();
        await _listening;
        _notify.Dispose();
        _closing.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }
}
