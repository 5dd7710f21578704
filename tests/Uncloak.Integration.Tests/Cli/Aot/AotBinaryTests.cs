using System.Text.Json.Nodes;
using Xunit;

namespace Uncloak.Integration.Tests.Cli.Aot;

/// <summary>
/// The shipped Native AOT binary against the JIT build (run in-process by <see cref="CliRun"/>) on the paths that break
/// without a JIT: JSON documents, the YAML config and scenario loader with its error reporting, SQLite's native library,
/// the detection pipeline in replay, the live daemon (kmsg, the metrics listener, signals) and the lab's Kestrel victim.
/// </summary>
public sealed partial class AotBinaryTests
{
    private const string TreasonLine =
        "Jun 17 06:36:16 web1 kernel: [87816.054780] TCP: Treason uncloaked! Peer 213.207.182.56:12690/80 shrinks window 2822259972:2822262868. Repaired.";

    private static string Sample(string name) => Path.Combine(AppContext.BaseDirectory, "demo-samples", name);

    private static void Succeeded(CliRun.Result r, string what) => Assert.True(r.ExitCode == 0, $"{what}: exit {r.ExitCode}\n{r.Error}");

    [AotFact]
    public void Explain_json_is_the_same_as_the_jit_builds()
    {
        var aot = AotBuild.Run(["explain", TreasonLine, "--json"]);
        Succeeded(aot, "explain");
        Assert.Equal(CliRun.Run("explain", TreasonLine, "--json").Output, aot.Output);
        Assert.Equal("treason", aot.Json.GetProperty("kind").GetString());
    }

    [AotFact]
    public void Analyze_and_report_json_over_the_demo_logs_are_the_same_as_the_jit_builds()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-aot-analyze-");
        try
        {
            string aotDb = Path.Combine(dir.FullName, "aot.db"), jitDb = Path.Combine(dir.FullName, "jit.db");
            var aot = AotBuild.Run(["analyze", "--json", "--db", aotDb, Sample("kern.log"), Sample("kern.log.1.gz")]);
            Succeeded(aot, "analyze");
            Assert.Equal(CliRun.Run("analyze", "--json", "--db", jitDb, Sample("kern.log"), Sample("kern.log.1.gz")).Output, aot.Output);
            Assert.True(aot.Json.GetProperty("events").GetProperty("treason").GetInt64() > 0, aot.Output);

            // The report reads back what analyze stored through SQLite's native library, and serialises records (CliJson).
            var report = AotBuild.Run(["report", "--json", "--db", aotDb]);
            Succeeded(report, "report");
            Assert.Equal(CliRun.Run("report", "--json", "--db", jitDb).Output, report.Output);
            Assert.NotEqual(0, report.Json.GetProperty("outages").GetArrayLength());
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [AotFact]
    public void Config_check_loads_the_shipped_config_and_scenarios_as_the_jit_build_does()
    {
        // Each build checks the uncloak.yaml and scenarios shipped next to it; only the folder in the output differs.
        var aot = AotBuild.Run(["config", "check", "--config", Path.Combine(AotBuild.Directory, "config", "uncloak.yaml")]);
        Succeeded(aot, "config check");
        var jit = CliRun.Run("config", "check", "--config", Path.Combine(AppContext.BaseDirectory, "config", "uncloak.yaml"));
        Assert.Equal(jit.Output.Replace(AppContext.BaseDirectory.TrimEnd('/'), "BASE", StringComparison.Ordinal),
            aot.Output.Replace(AotBuild.Directory.TrimEnd('/'), "BASE", StringComparison.Ordinal));
        Assert.Contains("zero-window-holders", aot.Output, StringComparison.Ordinal);
    }

    [AotFact]
    public void Config_check_reports_every_error_with_its_line_as_the_jit_build_does()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-aot-config-");
        try
        {
            var config = Path.Combine(dir.FullName, "uncloak.yaml");
            var scenarios = Directory.CreateDirectory(Path.Combine(dir.FullName, "scenarios.d")).FullName;
            File.WriteAllText(config, "store: /tmp/x.db\nfirewal: off\nmetrics: 127.0.0.1:notaport\n");
            File.WriteAllText(Path.Combine(scenarios, "broken.yaml"), "name: broken\nkinds: [treason\n");
            string[] args = ["config", "check", "--config", config, "--scenarios", scenarios];
            var aot = AotBuild.Run(args);
            var jit = CliRun.Run(args);
            Assert.Equal(2, aot.ExitCode);
            Assert.Equal(jit.ExitCode, aot.ExitCode);
            Assert.Equal(jit.Output, aot.Output);
            Assert.Equal(jit.Error, aot.Error);
            Assert.Contains("uncloak.yaml:2:1: unknown key 'firewal'", aot.Error, StringComparison.Ordinal);
            Assert.Contains("broken.yaml:3:1: YAML syntax", aot.Error, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [AotFact]
    public void Watch_replay_raises_the_same_alerts_as_the_jit_build()
    {
        var aot = AotBuild.Run(["watch", "--replay", Sample("kern.log"), "--json"]);
        Succeeded(aot, "watch --replay");
        var jit = CliRun.Run("watch", "--replay", Sample("kern.log"), "--json");
        Assert.Equal(Untimed(jit.Output), Untimed(aot.Output));
        Assert.NotEqual(0, aot.Json.GetProperty("alerts").GetArrayLength());

        // Throughput differs run to run; everything else is a function of the input.
        static string Untimed(string json)
        {
            var doc = JsonNode.Parse(json)!.AsObject();
            doc.Remove("seconds");
            doc.Remove("events_per_second");
            return doc.ToJsonString();
        }
    }

    [AotFact(NeedsRoot = true)]
    public void The_daemon_under_write_xor_execute_reads_kmsg_serves_metrics_and_stops_cleanly_on_sigterm()
        => DaemonUnderWriteXorExecute(AotBuild.Daemon, []);

    [AotFact(NeedsRoot = true)]
    public void Uncloak_watch_under_write_xor_execute_reads_kmsg_serves_metrics_and_stops_cleanly_on_sigterm()
        => DaemonUnderWriteXorExecute(AotBuild.Binary, ["watch"]);

    /// <summary>Issue 11: the daemon binary takes every live flag of <c>uncloak watch</c> (one source: WatchFlags), and only those.</summary>
    [AotFact]
    public void Uncloakd_takes_the_same_flags_as_uncloak_watch_without_replay()
    {
        var watch = AotBuild.Run(["watch", "--help"]);
        var daemon = AotBuild.RunDaemon(["--help"]);
        Succeeded(watch, "uncloak watch --help");
        Succeeded(daemon, "uncloakd --help");
        var expected = Flags(watch.Output).Except(["--replay", "--json"]).ToList();
        Assert.Contains("--metrics", expected);
        Assert.Contains("--web", expected);
        Assert.Equal(expected, Flags(daemon.Output).Except(["--version"]));
        var usage = AotBuild.RunDaemon(["--no-such-flag"]);
        Assert.Equal(2, usage.ExitCode);
        Assert.Contains("uncloakd: ", usage.Error, StringComparison.Ordinal);
    }

    /// <summary>The long options a help text lists under "Options:", in order, without -h/--help.</summary>
    private static List<string> Flags(string help) =>
        [.. help.Split('\n').SkipWhile(l => l.Trim() != "Options:").Skip(1).TakeWhile(l => l.Trim().Length > 0)
            .Select(l => l.TrimStart()).Where(l => l.StartsWith("--", StringComparison.Ordinal))
            .Select(l => l.Split(' ', ',')[0]).Where(f => f != "--help")];

    /// <summary>Runs <paramref name="binary"/> <paramref name="verb"/> as the shipped unit would: W^X, kmsg, metrics, SIGTERM.</summary>
    private static void DaemonUnderWriteXorExecute(string binary, string[] verb)
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-aot-watch-");
        int port = DaemonProcess.FreePort();
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        // Default sources (kmsg and the socket table); the host's firewall is never touched by a test.
        File.WriteAllText(config, $"store: {Path.Combine(dir.FullName, "u.db")}\nfirewall: off\nmetrics: 127.0.0.1:{port}\n");
        // Something the daemon must read, even on a kernel whose ring buffer was just cleared.
        File.AppendAllText("/dev/kmsg", "uncloak AOT test: the daemon reads this\n");
        // As the shipped unit runs it: MemoryDenyWriteExecute=yes, which a JIT build does not survive.
        using var daemon = AotBuild.StartWithWriteXorExecute(binary, [.. verb, "--config", config, "--simulate"]);
        var stderr = daemon.StandardError.ReadToEndAsync();
        _ = daemon.StandardOutput.ReadToEndAsync();   // drained so a chatty daemon never blocks on a full pipe
        try
        {
            Dictionary<string, double>? metrics = null;
            // The kmsg source's label carries no boot id (issue 16: series continue across reboots), though its cursor does.
            bool KmsgRead() => TryScrape(port, out metrics)
                && metrics!.GetValueOrDefault("uncloak_source_records_total{source=\"kmsg\"}") > 0;
            WatchDeadline.Until(() => daemon.HasExited || KmsgRead(), TimeSpan.FromSeconds(30), () => "kmsg records in /metrics");
            if (daemon.HasExited)
            {
                Assert.Fail($"the daemon exited with {daemon.ExitCode}: {stderr.GetAwaiter().GetResult()}");
            }
            Assert.Contains(metrics!.Keys, k => k.StartsWith("uncloak_events_total{", StringComparison.Ordinal));

            Assert.Equal(0, Kill(daemon.Id, DaemonProcess.SIGTERM));
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), "no exit 30 s after SIGTERM");
            Assert.True(daemon.ExitCode == 0, $"exit {daemon.ExitCode}: {stderr.GetAwaiter().GetResult()}");
        }
        finally
        {
            if (!daemon.HasExited)
            {
                daemon.Kill(entireProcessTree: true);
            }
            dir.Delete(recursive: true);
        }
    }

    [AotFact]
    public void Install_service_points_the_unit_at_the_aot_daemon_binary_and_keeps_write_xor_execute()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-aot-unit-");
        try
        {
            var run = AotBuild.Run(["install-service", "--unit-dir", dir.FullName]);
            Succeeded(run, "install-service");
            var unit = File.ReadAllText(Path.Combine(dir.FullName, "uncloak.service"));
            // The daemon binary published beside uncloak, as the .deb's unit runs it; the config check stays with uncloak.
            Assert.Contains($"\nExecStart={AotBuild.Daemon}\n", unit, StringComparison.Ordinal);
            Assert.Contains($"\nExecStartPre={AotBuild.Binary} config check\n", unit, StringComparison.Ordinal);
            Assert.Contains("\nMemoryDenyWriteExecute=yes\n", unit, StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [AotFact(NeedsRoot = true)]
    public void The_lab_serves_from_its_kestrel_victim_and_uncloak_kills_the_zero_window_holders()
    {
        var names = LabPrefix.ForThisRun();
        try
        {
            var run = AotBuild.Run(["lab", "run", "zero-window", "--kestrel", "--defence", "uncloak", "--seconds", "10", "--prefix", names.Prefix, "--json"],
                TimeSpan.FromMinutes(2));
            Succeeded(run, "lab run");
            var cell = run.Json.GetProperty("cells")[0];
            Assert.StartsWith("kestrel", cell.GetProperty("victim").GetString(), StringComparison.Ordinal);
            var baseline = cell.GetProperty("baseline");
            Assert.True(baseline.GetProperty("requests").GetInt32() > 0, run.Output);
            Assert.Equal(baseline.GetProperty("requests").GetInt32(), baseline.GetProperty("succeeded").GetInt32());
            Assert.True(cell.GetProperty("uncloak").GetProperty("sockets_killed").GetInt32() > 0, run.Output);
        }
        finally
        {
            Uncloak.Lab.Topology.LabTopology.Down(names);
        }
    }

    private static bool TryScrape(int port, out Dictionary<string, double>? metrics)
    {
        try
        {
            metrics = DaemonProcess.Scrape(port);
            return true;
        }
        catch (HttpRequestException)
        {
            // Not listening yet: the deadline around this bounds the wait.
            metrics = null;
            return false;
        }
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
