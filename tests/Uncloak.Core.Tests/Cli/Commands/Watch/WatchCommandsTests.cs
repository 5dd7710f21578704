using Uncloak.Store;
using Uncloak.Store.Watch;
using Xunit;

namespace Uncloak.Core.Tests.Cli;

/// <summary>The watch family's commands in-process: replay, config check, report.</summary>
public sealed class WatchCommandsTests
{
    private static string Case(string name, string file) => Path.Combine(AppContext.BaseDirectory, "replay", name, file);

    [Fact]
    public void Watch_replay_prints_the_alerts_and_actions_of_a_recorded_log_as_json()
    {
        var (exit, output, error) = CliRun.Run("watch", "--replay", Case("zero-window-holder-banned-and-killed", "events.jsonl"), "--json");
        Assert.True(exit == 0, error);
        var json = CliRun.Json(output);
        Assert.Equal(11, json.GetProperty("events").GetInt64());
        var alert = Assert.Single(json.GetProperty("alerts").EnumerateArray());
        Assert.Equal("zero-window-holders", alert.GetProperty("scenario").GetString());
        Assert.Equal(["ban 198.18.1.7 1h", "kill 198.18.1.7", "alert warning"], alert.GetProperty("actions").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public void Watch_replay_of_a_missing_file_is_an_input_error()
    {
        var (exit, _, error) = CliRun.Run("watch", "--replay", "/nonexistent/kern.log");
        Assert.Equal(2, exit);
        Assert.Contains("/nonexistent/kern.log", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Config_check_accepts_the_shipped_set_and_lists_every_error_of_a_bad_drop_in()
    {
        var dir = CliRun.TempDir();
        try
        {
            var ok = CliRun.Run("config", "check", "--scenarios", dir);
            Assert.True(ok.ExitCode == 0, ok.Error);
            Assert.Contains("zero-window-holders", ok.Output, StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(dir, "bad.yaml"), "name: x\nkinds: [treason]\ncapacity: 1\nleak_every: 1m\nprofile: ban\nshape: round\n---\nname: y\nkinds: [syn_flood]\ncapacity: 1\nleak_every: 1m\nprofile: ban\n");
            var bad = CliRun.Run("config", "check", "--scenarios", dir);
            Assert.Equal(2, bad.ExitCode);
            Assert.Contains("bad.yaml:6:1: unknown key 'shape'", bad.Error, StringComparison.Ordinal);
            Assert.Contains("bad.yaml:8:", bad.Error, StringComparison.Ordinal);
            Assert.Contains("forged", bad.Error, StringComparison.Ordinal);
            Assert.Contains("2 errors", bad.Error, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Report_shows_each_outage_with_its_lead_up_and_the_lift_of_each_kind()
    {
        var dir = CliRun.TempDir();
        var db = Path.Combine(dir, "u.db");
        try
        {
            // Events from a replayed log stored by analyze, and two outages recorded the way the daemon does.
            var log = Path.Combine(dir, "kern.log");
            // Four shrunk-window records in the ten minutes before the outage (11:50–11:53), one during it (11:56).
            File.WriteAllLines(log, new[] { 0, 1, 2, 3, 6 }.Select(i =>
                $"2026-03-01T11:5{i}:00.000000+00:00 web1 kernel: TCP: Peer 198.18.3.{i + 1}:2861/443 unexpectedly shrunk window 1:2 (repaired)"));
            Assert.Equal(0, CliRun.Run("analyze", "--db", db, log).ExitCode);
            using (var store = SqliteStore.Open(db))
            {
                var watch = new WatchStore(store);
                long id = watch.StartOutage("site", new DateTime(2026, 3, 1, 11, 55, 0, DateTimeKind.Utc), "timeout", "no answer");
                watch.EndOutage(id, new DateTime(2026, 3, 1, 11, 58, 0, DateTimeKind.Utc));
            }
            var (exit, output, error) = CliRun.Run("report", "--db", db, "--json");
            Assert.True(exit == 0, error);
            var json = CliRun.Json(output);
            var outage = Assert.Single(json.GetProperty("outages").EnumerateArray());
            Assert.Equal("timeout", outage.GetProperty("cause").GetString());
            var before = Assert.Single(outage.GetProperty("before").EnumerateArray());
            Assert.Equal("treason", before.GetProperty("kind").GetString());
            Assert.Equal(4, before.GetProperty("count").GetInt64());
            var lift = Assert.Single(json.GetProperty("correlation").EnumerateArray());
            Assert.Equal("treason", lift.GetProperty("kind").GetString());
            Assert.Equal(1, lift.GetProperty("preceded").GetInt32());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class InstallServiceTests
{
    [Fact]
    public void Install_service_writes_the_hardened_notify_unit_pointing_at_this_binary()
    {
        var dir = CliRun.TempDir();
        try
        {
            var (exit, output, error) = CliRun.Run("install-service", "--unit-dir", dir);
            Assert.True(exit == 0, error);
            var unit = File.ReadAllText(Path.Combine(dir, "uncloak.service"));
            Assert.Contains("Type=notify", unit, StringComparison.Ordinal);
            Assert.Contains("WatchdogSec=", unit, StringComparison.Ordinal);
            Assert.Contains("ProtectSystem=strict", unit, StringComparison.Ordinal);
            Assert.Contains("DeviceAllow=/dev/kmsg r", unit, StringComparison.Ordinal);
            var exec = unit.Split('\n').Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal));
            Assert.EndsWith(" watch", exec, StringComparison.Ordinal);
            // A JIT build has no uncloakd beside it: its unit runs this build's `watch`, never the shipped path.
            Assert.DoesNotContain("ExecStart=/usr/lib/uncloak/uncloakd", unit, StringComparison.Ordinal);
            // A bad config stops the start with its errors (config check, same binary) and is not retried in a loop (exit 2).
            Assert.Equal(exec.Replace("ExecStart=", "ExecStartPre=", StringComparison.Ordinal)[..^" watch".Length] + " config check",
                unit.Split('\n').Single(l => l.StartsWith("ExecStartPre=", StringComparison.Ordinal)));
            Assert.Contains("\nRestartPreventExitStatus=2\n", unit, StringComparison.Ordinal);
            Assert.Contains("\nLimitNOFILE=16384\n", unit, StringComparison.Ordinal);
            Assert.Contains("\nEnvironment=DOTNET_GCgen0size=80000 DOTNET_GCgen0MaxBudget=100000\n", unit, StringComparison.Ordinal);
            Assert.Contains("wrote ", output, StringComparison.Ordinal);
            // These tests run the JIT build, which the kernel would kill under W^X; the shipped AOT binary keeps it (Aot tests).
            Assert.Contains("\nMemoryDenyWriteExecute=no\n", unit, StringComparison.Ordinal);
            Assert.DoesNotContain("MemoryDenyWriteExecute=yes", unit, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}

public sealed class ReportOnSamplesTests
{
    [Fact]
    public void Report_on_the_bundled_samples_shows_the_outage_correlation_with_the_logs_disruptions_standing_in()
    {
        var dir = CliRun.TempDir();
        try
        {
            var db = Path.Combine(dir, "u.db");
            Assert.Equal(0, CliRun.Run("analyze", "--db", db, CliRun.Demo("kern.log"), CliRun.Demo("kern.log.1.gz")).ExitCode);
            var (exit, output, error) = CliRun.Run("report", "--db", db, "--json");
            Assert.True(exit == 0, error);
            var json = CliRun.Json(output);
            Assert.Equal("logs", json.GetProperty("outages_from").GetString());
            Assert.Equal(4, json.GetProperty("outages").GetArrayLength());
            var lifts = json.GetProperty("correlation").EnumerateArray().ToDictionary(l => l.GetProperty("kind").GetString()!, l => l);
            Assert.Equal(3, lifts["treason"].GetProperty("preceded").GetInt32());
            Assert.False(lifts["treason"].GetProperty("related").GetBoolean());
            Assert.EndsWith("unrelated to your outages", lifts["treason"].GetProperty("sentence").GetString(), StringComparison.Ordinal);
            Assert.DoesNotContain("nic_hang", lifts.Keys); // disruption kinds define the outages; they are not their own cause
            var text = CliRun.Run("report", "--db", db).Output;
            Assert.Contains("Correlation with outages", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
