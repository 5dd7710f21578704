using Xunit;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// The smallest real `uncloak watch`: one kernel log file it tails from the start, its own store, its metrics listener,
/// no kmsg, no socket table and no firewall (it runs in the host's namespace and must not touch the host's firewall).
/// The tests that attack the listener or the store start their daemon through this instead of each writing the config
/// and the start-up wait again. Disposing kills a daemon still running and deletes the folder.
/// </summary>
internal sealed class TailingDaemon : IDisposable
{
    private TailingDaemon(DirectoryInfo dir, string db, string metrics)
    {
        Dir = dir;
        Db = db;
        KernelLog = Path.Combine(dir.FullName, "kern.log");
        Config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(KernelLog, "");
        File.WriteAllText(Config, $"""
            store: {db}
            firewall: off          # this daemon runs in the host's namespace: it must not touch the host's firewall
            sources:
              kmsg: false
              sockets: off
              files:
                - {"{"} path: {KernelLog}, from_start: true {"}"}
            metrics: "{metrics}"
            """);
    }

    /// <summary>
    /// Writes the config in a fresh temp folder named <paramref name="prefix"/>…; the store goes in
    /// <paramref name="storeDir"/> (another filesystem, say) or beside the config. Nothing is started yet.
    /// </summary>
    public static TailingDaemon Create(string prefix, string metrics, string? storeDir = null)
    {
        var dir = Directory.CreateTempSubdirectory(prefix);
        return new TailingDaemon(dir, Path.Combine(storeDir ?? dir.FullName, "u.db"), metrics);
    }

    public DirectoryInfo Dir { get; }

    /// <summary>The kernel log the daemon tails.</summary>
    public string KernelLog { get; }

    public string Db { get; }

    public string Config { get; }

    /// <summary>The running daemon; null before <see cref="Start"/>.</summary>
    public DaemonProcess? Process { get; private set; }

    /// <summary>
    /// Starts `watch` on the config (with <paramref name="extra"/> arguments) and waits, up to 60 s, for its "watching"
    /// line. A daemon still running from an earlier start is killed first. <paramref name="cgroupProcs"/>, when given, is
    /// a cgroup's <c>cgroup.procs</c> file the daemon joins before its first instruction.
    /// </summary>
    public DaemonProcess Start(string? cgroupProcs = null, params string[] extra)
    {
        Process?.Dispose();
        string[] args = ["watch", "--config", Config, .. extra];
        var d = cgroupProcs is null ? DaemonProcess.Start(args) : DaemonProcess.StartInCgroup(cgroupProcs, args);
        Process = d;
        WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + d.Log);
        Assert.False(d.HasExited, d.Log);
        return d;
    }

    /// <summary>A syslog kernel line of the shrunk-window family from <paramref name="peer"/>, stamped now (six from one peer ban it).</summary>
    public static string ShrunkLine(string peer, int port) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    /// <summary>Appends kernel log lines for the daemon to read.</summary>
    public void Append(IEnumerable<string> lines) => File.AppendAllLines(KernelLog, lines);

    /// <summary>One number from the store (<see cref="StoreQuery"/>).</summary>
    public long Count(string sql) => StoreQuery.Count(Db, sql);

    /// <summary>Events stored so far.</summary>
    public long Events => Count("SELECT count(*) FROM events");

    /// <summary>Sends SIGTERM and asserts the daemon drains and exits 0 within 30 s.</summary>
    public void StopCleanly()
    {
        var d = Process ?? throw new InvalidOperationException("the daemon was not started");
        d.Signal(DaemonProcess.SIGTERM);
        Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
        Assert.True(d.ExitCode == 0, $"exit {d.ExitCode}: {d.Log}");
    }

    public void Dispose()
    {
        Process?.Dispose();
        Dir.Delete(recursive: true);
    }
}
