using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// The Native AOT <c>uncloak</c> under test: the one in $UNCLOAK_AOT_DIR (./test.sh publishes it there once before the
/// tests), otherwise published on first use into a temporary folder with packaging/publish.sh. A failed publish fails
/// every AOT test with the publisher's output.
/// </summary>
internal static class AotBuild
{
    private static readonly Lazy<string> s_directory = new(Locate, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string? ConfiguredDirectory => Environment.GetEnvironmentVariable("UNCLOAK_AOT_DIR") is { Length: > 0 } d ? d : null;

    /// <summary>The folder holding the binary and the shipped config/ next to it.</summary>
    public static string Directory => s_directory.Value;

    public static string Binary => Path.Combine(Directory, "uncloak");

    /// <summary>The daemon binary the systemd unit runs (<c>uncloak watch</c> alone), published beside <see cref="Binary"/>.</summary>
    public static string Daemon => Path.Combine(Directory, "uncloakd");

    /// <summary>Runs the AOT binary to completion (bounded by <paramref name="timeout"/>, default one minute).</summary>
    public static CliRun.Result Run(string[] args, TimeSpan? timeout = null) => RunProcess(Binary, args, timeout ?? TimeSpan.FromMinutes(1));

    /// <summary>Runs the AOT daemon binary <see cref="Daemon"/> to completion, as <see cref="Run"/> does.</summary>
    public static CliRun.Result RunDaemon(string[] args, TimeSpan? timeout = null) => RunProcess(Daemon, args, timeout ?? TimeSpan.FromMinutes(1));

    /// <summary>
    /// Starts the AOT binary, left running for the caller to signal and dispose, with the kernel refusing it
    /// writable+executable memory (prctl PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN: what systemd's MemoryDenyWriteExecute=yes
    /// asks for). The flag must be set by the process that then execs the binary, and survives the exec; perl (essential
    /// on Debian) does both, keeping the pid.
    /// </summary>
    public static Process StartWithWriteXorExecute(params string[] args) => StartWithWriteXorExecute(Binary, args);

    /// <summary>As <see cref="StartWithWriteXorExecute(string[])"/>, for <paramref name="binary"/> (<see cref="Binary"/> or <see cref="Daemon"/>).</summary>
    public static Process StartWithWriteXorExecute(string binary, string[] args)
    {
        int prctl = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 157,
            Architecture.Arm64 => 167,
            var other => throw new PlatformNotSupportedException($"prctl's syscall number on {other} is not known here"),
        };
        const string Script = """$n = shift; syscall($n, 65, 1, 0, 0, 0) == 0 or die "prctl(PR_SET_MDWE) failed (Linux 6.3+ has it): $!\n"; exec { $ARGV[0] } @ARGV or die "exec: $!\n";""";
        // uncloakd is `watch` without the verb: the same guard against the host's control socket.
        string[] isolated = binary == Daemon ? HostPaths.Isolated(["watch", .. args])[1..] : HostPaths.Isolated(args);
        return StartProcess("perl", ["-e", Script, prctl.ToString(CultureInfo.InvariantCulture), binary, .. isolated]);
    }

    private static Process StartProcess(string file, string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        // Not under systemd here, whatever the test runner inherited.
        psi.Environment.Remove("NOTIFY_SOCKET");
        psi.Environment.Remove("JOURNAL_STREAM");
        return Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
    }

    private static string Locate()
    {
        if (ConfiguredDirectory is { } configured)
        {
            return File.Exists(Path.Combine(configured, "uncloak")) && File.Exists(Path.Combine(configured, "uncloakd"))
                ? configured
                : throw new InvalidOperationException($"UNCLOAK_AOT_DIR={configured} holds no 'uncloak' and 'uncloakd' binaries: did packaging/publish.sh fail?");
        }
        var output = System.IO.Directory.CreateTempSubdirectory("uncloak-aot-").FullName;
        // 50 MB per run: removed when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => System.IO.Directory.Delete(output, recursive: true);
        var script = Path.Combine(RepositoryRoot(), "packaging", "publish.sh");
        var publish = RunProcess(script, [output], TimeSpan.FromMinutes(15));
        return publish.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"{script} failed with exit code {publish.ExitCode}:\n{publish.Error}\n{publish.Output}");
    }

    /// <summary>The checkout this test build came from (the folder holding Uncloak.slnx).</summary>
    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Uncloak.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("no Uncloak.slnx above " + AppContext.BaseDirectory + ": set UNCLOAK_AOT_DIR to a published build");
    }

    private static CliRun.Result RunProcess(string file, string[] args, TimeSpan timeout)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + file);
        // Both pipes drain concurrently: a child that fills stderr while we read stdout would otherwise block forever.
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout.TotalSeconds:0} s");
        }
        return new CliRun.Result(p.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }
}
