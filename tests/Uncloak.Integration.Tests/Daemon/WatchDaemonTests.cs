using Microsoft.Data.Sqlite;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon;

/// <summary>
/// `uncloak watch` as a process against a file source and a probe of a local site: a scenario fires and its decision is
/// stored, the probe records an outage and its end, /metrics parses, a corrupt reload (a bad value or a YAML syntax error)
/// keeps the old scenarios, SIGTERM loses no decision and a restart resumes the file without duplicating an event.
/// </summary>
public sealed class WatchDaemonTests
{
    private static string Shrunk(string peer, int port) => Shrunk(peer, port, DateTime.UtcNow);

    private static string Shrunk(string peer, int port, DateTime at) =>
        $"{at:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    private static long Count(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static double Metric(int port, string series) => DaemonProcess.Scrape(port).GetValueOrDefault(series);

    [Fact]
    public void The_daemon_decides_records_outages_serves_metrics_survives_bad_reloads_and_loses_nothing_on_sigterm()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-watch-");
        int sitePort = DaemonProcess.FreePort(), metricsPort = DaemonProcess.FreePort();
        using var site = new LocalSite(sitePort);
        var log = Path.Combine(dir.FullName, "kern.log");
        var db = Path.Combine(dir.FullName, "u.db");
        var dropins = Directory.CreateDirectory(Path.Combine(dir.FullName, "scenarios.d")).FullName;
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(log, "");
        File.WriteAllText(config, $"""
            store: {db}
            firewall: off          # this daemon runs in the host's namespace: it must not touch the host's firewall
            scenarios: [{dropins}]
            sources:
              kmsg: false
              sockets: off
              files:
                - {"{"} path: {log}, from_start: true {"}"}
            probes:
              - name: site
                http: http://127.0.0.1:{sitePort}/
                interval: 1s
                timeout: 500ms
                failures: 2
                on_outage: {"{"} command: [touch, {Path.Combine(dir.FullName, "remedied")}], max_attempts: 1, backoff: 1m {"}"}
            metrics: 127.0.0.1:{metricsPort}
            alerts: {"{"} webhook: "http://127.0.0.1:{sitePort}/hook", dedupe: 10m {"}"}
            """);
        DaemonProcess? daemon = null;
        try
        {
            daemon = DaemonProcess.Start("watch", "--config", config, "--verbose");
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + d.Log);
            Assert.False(d.HasExited, d.Log);

            // 1. Six shrunk-window records from one peer within seconds: the shipped scenario bans it.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.5", 2000 + i)));
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_decisions_total{action=\"ban\",simulated=\"true\"}") >= 1, TimeSpan.FromSeconds(30), () => "a ban decision: " + d.Log);
            var metrics = DaemonProcess.Scrape(metricsPort);
            Assert.Equal(6, metrics["uncloak_events_total{kind=\"treason\"}"]);
            Assert.Contains("uncloak_bans_in_force", metrics.Keys);
            Assert.Contains("uncloak_source_lag_seconds{source=\"file:" + log + "\"}", metrics.Keys);
            // The ban can land before the first probe check (the series appears with the first result; seen on a fast CI machine).
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_probe_up{probe=\"site\"}") == 1, TimeSpan.FromSeconds(30), () => "the first passing probe: " + d.Log);

            // The alert went to the webhook as JSON, once.
            WatchDeadline.Until(() => { lock (site.Posts) { return site.Posts.Any(p => p.Contains("198.18.3.5", StringComparison.Ordinal)); } }, TimeSpan.FromSeconds(30), () => "the webhook alert");
            lock (site.Posts)
            {
                var alert = System.Text.Json.JsonDocument.Parse(site.Posts.Single(p => p.Contains("198.18.3.5", StringComparison.Ordinal))).RootElement;
                Assert.Equal("warning", alert.GetProperty("severity").GetString());
                Assert.StartsWith("shrunk-window-peers: 198.18.3.5", alert.GetProperty("title").GetString(), StringComparison.Ordinal);
            }

            // 2. The site fails: after two failed checks an outage opens; when it answers again, it closes.
            site.Failing = true;
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_outages_total{probe=\"site\"}") >= 1, TimeSpan.FromSeconds(30), () => "an outage");
            // Its remedy ran (once: max_attempts 1), with no SYN flood or full conntrack table before the outage to stop it.
            WatchDeadline.Until(() => File.Exists(Path.Combine(dir.FullName, "remedied")), TimeSpan.FromSeconds(30), () => "the outage remedy: " + d.Log);
            site.Failing = false;
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_probe_up{probe=\"site\"}") == 1, TimeSpan.FromSeconds(30), () => "the recovery");
            WatchDeadline.Until(() => d.Log.Contains("is UP again", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => "the recovery alert");

            // 3. A corrupt drop-in and SIGHUP: the reload is refused and the old scenarios keep working.
            File.WriteAllText(Path.Combine(dropins, "broken.yaml"), "name: shrunk-window-peers\nkinds: [treason]\ncapacity: lots\n");
            d.Signal(DaemonProcess.SIGHUP);
            WatchDeadline.Until(() => d.Log.Contains("reload refused", StringComparison.Ordinal), TimeSpan.FromSeconds(30), () => "the refused reload: " + d.Log);
            Assert.Contains("broken.yaml:3:", d.Log, StringComparison.Ordinal);
            // A YAML syntax error of the scanner's kind (an unclosed flow mapping) once escaped as an exception that left a
            // daemon serving /metrics but reading nothing: it is refused the same way, with FILE:LINE:COL.
            File.WriteAllText(Path.Combine(dropins, "unclosed.yaml"), "name: unclosed\nkinds: {treason\ncapacity: 2\n");
            d.Signal(DaemonProcess.SIGHUP);
            WatchDeadline.Until(() => d.Log.Split("reload refused").Length > 2, TimeSpan.FromSeconds(30), () => "the second refused reload: " + d.Log);
            Assert.Matches(@"unclosed\.yaml:[0-9]+:[0-9]+", d.Log);
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.6", 3000 + i)));
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_decisions_total{action=\"ban\",simulated=\"true\"}") >= 2, TimeSpan.FromSeconds(30), () => "the second ban under the old scenarios");

            // 4. Lines and SIGTERM at once: whatever was read is committed with its decision before exit.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.7", 4000 + i)));
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), "the daemon did not stop on SIGTERM: " + d.Log);
            Assert.Equal(0, d.ExitCode);
            d.Dispose();

            // 5. Restart (without the broken drop-in) and stop: the rest of the file is read once, never twice.
            File.Delete(Path.Combine(dropins, "broken.yaml"));
            File.Delete(Path.Combine(dropins, "unclosed.yaml"));
            daemon = DaemonProcess.Start("watch", "--config", config, "--metrics", "off");
            var d2 = daemon;
            // Started first: when the first daemon had committed all 18 already, a SIGTERM sent at once could land before
            // the signal handlers exist (exit 143, seen once).
            WatchDeadline.Until(() => d2.Log.Contains("watching", StringComparison.Ordinal) || d2.HasExited, TimeSpan.FromSeconds(60), () => "the restart: " + d2.Log);
            WatchDeadline.Until(() => Count(db, "SELECT count(*) FROM events") == 18 || d2.HasExited, TimeSpan.FromSeconds(60), () => "all 18 events stored: " + d2.Log);
            d2.Signal(DaemonProcess.SIGTERM);
            Assert.True(d2.WaitForExit(TimeSpan.FromSeconds(30)), d2.Log);
            Assert.Equal(0, d2.ExitCode);

            Assert.Equal(18, Count(db, "SELECT count(*) FROM events"));
            Assert.Equal(18, Count(db, "SELECT count(DISTINCT offset) FROM events"));
            foreach (var peer in new[] { "198.18.3.5", "198.18.3.6", "198.18.3.7" })
            {
                Assert.Equal(1, Count(db, $"SELECT count(*) FROM watch_actions WHERE action = 'ban' AND target = '{peer}'"));
            }
            Assert.Equal(1, Count(db, "SELECT count(*) FROM outages WHERE probe = 'site' AND end_ms IS NOT NULL AND end_ms > start_ms"));
            Assert.Equal(1, Count(db, "SELECT count(*) FROM watch_actions WHERE action = 'remedy' AND outcome = 'attempt 1 of 1: exit 0'"));
        }
        finally
        {
            daemon?.Dispose();
            dir.Delete(recursive: true);
        }
    }
    /// <summary>
    /// Issue 16, item 6: on a first start the daemon reads what the kernel ring (or a file from its start) already
    /// holds; that history is stored but neither alerted nor acted on, so an hour-old burst bans nobody.
    /// </summary>
    [Fact]
    public void History_read_at_start_is_stored_but_not_acted_on()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-history-");
        int metricsPort = DaemonProcess.FreePort();
        var log = Path.Combine(dir.FullName, "kern.log");
        var db = Path.Combine(dir.FullName, "u.db");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.4.1", 2000 + i, DateTime.UtcNow.AddHours(-2))));
        File.WriteAllText(config, $"""
            store: {db}
            firewall: off          # this daemon runs in the host's namespace: it must not touch the host's firewall
            sources:
              kmsg: false
              sockets: off
              files:
                - {"{"} path: {log}, from_start: true {"}"}
            metrics: 127.0.0.1:{metricsPort}
            """);
        try
        {
            using var d = DaemonProcess.Start("watch", "--config", config, "--control", "off", "--verbose");
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + d.Log);
            WatchDeadline.Until(() => Count(db, "SELECT count(*) FROM events") == 6 || d.HasExited, TimeSpan.FromSeconds(30), () => "the history stored: " + d.Log);

            // The same burst now, from another peer: acted on. Once it is, the history's turn has long passed.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.4.2", 3000 + i)));
            WatchDeadline.Until(() => Metric(metricsPort, "uncloak_decisions_total{action=\"ban\",simulated=\"true\"}") >= 1, TimeSpan.FromSeconds(30), () => "the live ban: " + d.Log);
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            Assert.Equal(0, d.ExitCode);

            Assert.Equal(12, Count(db, "SELECT count(*) FROM events"));
            Assert.Equal(1, Count(db, "SELECT count(*) FROM watch_actions WHERE target = '198.18.4.2' AND action = 'ban'"));
            Assert.Equal(0, Count(db, "SELECT count(*) FROM watch_actions WHERE target = '198.18.4.1'"));
            Assert.Contains(d.Log.Split('\n'), l => l.Contains("shrunk-window-peers: 198.18.4.2", StringComparison.Ordinal));
            Assert.DoesNotContain(d.Log.Split('\n'), l => l.Contains("shrunk-window-peers: 198.18.4.1", StringComparison.Ordinal));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
