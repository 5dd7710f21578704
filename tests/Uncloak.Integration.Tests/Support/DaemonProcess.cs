using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Uncloak.Integration.Tests.Support;

/// <summary>`uncloak watch` started as a real process, with its stderr captured and signals sent by pid.</summary>
internal sealed partial class DaemonProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly Lock _lock = new();

    private DaemonProcess(Process process)
    {
        _process = process;
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_lock)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
    }

    public static DaemonProcess Start(params string[] args) => StartIn(null, args);

    /// <summary>Extra environment for the next start (NOTIFY_SOCKET and WATCHDOG_USEC for the systemd test).</summary>
    public static Dictionary<string, string> NextEnvironment { get; } = [];

    /// <summary>Starts the daemon inside network namespace <paramref name="netns"/> (ip netns exec replaces itself with dotnet: same pid).</summary>
    public static DaemonProcess StartIn(string? netns, params string[] args)
        => StartAfter(netns is null ? ["dotnet"] : ["ip", "netns", "exec", netns, "dotnet"], args);

    /// <summary>
    /// Starts the daemon as a member of the cgroup whose <c>cgroup.procs</c> file is <paramref name="cgroupProcs"/>: a
    /// shell writes its own pid there and replaces itself with dotnet (same pid), so the daemon is inside from its first
    /// allocation, as under systemd's MemoryMax, and the runtime sizes its GC heap from the cgroup's limit. The shell
    /// runs a fixed script; the path and the daemon's arguments reach it as positional arguments, never as code.
    /// </summary>
    public static DaemonProcess StartInCgroup(string cgroupProcs, params string[] args)
        => StartAfter(["sh", "-c", "echo $$ > \"$0\" && exec \"$@\"", cgroupProcs, "dotnet"], args);

    private static DaemonProcess StartAfter(string[] launcher, string[] args)
    {
        var psi = new ProcessStartInfo(launcher[0]) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in launcher.AsSpan(1))
        {
            psi.ArgumentList.Add(a);
        }
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "uncloak.dll"));
        foreach (var a in HostPaths.Isolated(args))
        {
            psi.ArgumentList.Add(a);
        }
        psi.Environment.Remove("NOTIFY_SOCKET");
        psi.Environment.Remove("JOURNAL_STREAM");
        foreach (var (k, v) in NextEnvironment)
        {
            psi.Environment[k] = v;
        }
        NextEnvironment.Clear();
        return new DaemonProcess(Process.Start(psi)!);
    }

    public string Log
    {
        get
        {
            lock (_lock)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int Pid => _process.Id;

    public int ExitCode => _process.ExitCode;

    public void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _process.Dispose();
    }

    public const int SIGHUP = 1;
    public const int SIGTERM = 15;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    /// <summary>Scrapes /metrics and parses the Prometheus text format strictly: every sample line must be <c>name{labels} value</c>.</summary>
    public static Dictionary<string, double> Scrape(int port)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var text = http.GetStringAsync(new Uri($"http://127.0.0.1:{port}/metrics")).GetAwaiter().GetResult();
        var samples = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith("# HELP ", StringComparison.Ordinal) || line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                continue;
            }
            int sp = line.LastIndexOf(' ');
            if (sp <= 0 || !double.TryParse(line.AsSpan(sp + 1), NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
            {
                throw new FormatException("not a Prometheus sample: " + line);
            }
            var series = line[..sp];
            int brace = series.IndexOf('{');
            var name = brace < 0 ? series : series[..brace];
            if (name.Length == 0 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') || (brace >= 0 && !series.EndsWith('}')))
            {
                throw new FormatException("bad metric name or labels: " + line);
            }
            samples[series] = value;
        }
        return samples;
    }
}
