using Microsoft.Data.Sqlite;
using Uncloak.Core.Forensics.Bundles;
using Uncloak.Linux.Forensics;
using Xunit;

namespace Uncloak.Integration.Tests.Watch;

/// <summary>
/// `uncloak watch` with a file source and a probe of a local site that starts failing: the outage's opening writes an
/// incident bundle (socket table, counters, kernel lines that came before it, probe results) and an incidents row with
/// its verdict; its end adds the after/ snapshot and the end time. Issue 12, item 2.
/// </summary>
public sealed class IncidentCaptureDaemonTests
{
    private static List<(string Id, string Bundle, long? End, string Layer)> Incidents(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT id, bundle, end_ms, layer FROM incidents ORDER BY start_ms";
        using var r = cmd.ExecuteReader();
        var list = new List<(string, string, long?, string)>();
        while (r.Read())
        {
            list.Add((r.GetString(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetString(3)));
        }
        return list;
    }

    private static bool HasTable(string db)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE name = 'incidents'";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1;
    }

    [Fact]
    public void An_outage_opening_and_ending_writes_a_bundle_and_an_incidents_row()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-incident-");
        int sitePort = DaemonProcess.FreePort(), metricsPort = DaemonProcess.FreePort();
        using var site = new LocalSite(sitePort);
        var log = Path.Combine(dir.FullName, "kern.log");
        var db = Path.Combine(dir.FullName, "u.db");
        var incidents = Path.Combine(dir.FullName, "incidents");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(log, "");
        File.WriteAllText(config, $"""
            store: {db}
            firewall: off          # the host's namespace: never touch its firewall
            scenarios: []
            sources:
              kmsg: false
              sockets: off
              files: [{log}]
            probes:
              - {"{"} name: site, http: "http://127.0.0.1:{sitePort}/", interval: 1s, timeout: 500ms, failures: 2 {"}"}
            metrics: 127.0.0.1:{metricsPort}
            control: off
            forensics: {"{"} dir: {incidents}, keep: 5, max_bytes: 100MB, baseline: 1s {"}"}
            """);
        DaemonProcess? daemon = null;
        try
        {
            daemon = DaemonProcess.Start("watch", "--config", config, "--verbose");
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + d.Log);
            Assert.False(d.HasExited, d.Log);
            WatchDeadline.Until(() => DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_probe_up{probe=\"site\"}") == 1, TimeSpan.FromSeconds(30), () => "the first passing probe: " + d.Log);

            // A kernel line just before the outage: the bundle's kernel.log must hold it.
            File.AppendAllLines(log, [$"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: nf_conntrack: nf_conntrack: table full, dropping packet"]);
            WatchDeadline.Until(() => DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_events_total{kind=\"conntrack_full\"}") >= 1, TimeSpan.FromSeconds(30), () => "the kernel line read: " + d.Log);

            site.Failing = true;
            WatchDeadline.Until(() => HasTable(db) && Incidents(db).Count == 1, TimeSpan.FromSeconds(60), () => "an incidents row: " + d.Log);
            var (id, bundlePath, end, layer) = Incidents(db)[0];
            Assert.Null(end);
            Assert.Equal(Path.Combine(incidents, id), bundlePath);
            Assert.EndsWith("-site", id, StringComparison.Ordinal);

            var bundle = BundleReader.Read(bundlePath);
            Assert.Empty(bundle.Problems);
            Assert.Equal("site", bundle.Manifest.Probe);
            var names = bundle.Files.Select(f => f.Name).ToHashSet();
            Assert.Contains("during/ss.txt", names);
            Assert.Contains("during/nstat.txt", names);
            Assert.Contains("before/nstat.txt", names);
            Assert.Contains(BundleLayout.ProbesName, names);
            var kernel = System.Text.Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == BundleLayout.KernelName).Data);
            Assert.Contains("nf_conntrack: table full", kernel, StringComparison.Ordinal);
            var probes = System.Text.Encoding.UTF8.GetString(bundle.Files.Single(f => f.Name == BundleLayout.ProbesName).Data);
            Assert.Contains(" service site ok ", probes, StringComparison.Ordinal);
            Assert.Matches(" service site (?!ok )\\S+ ", probes);
            // The full conntrack table before the outage puts it in the host layer.
            Assert.Equal("host", layer);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(incidents));

            site.Failing = false;
            WatchDeadline.Until(() => Incidents(db) is [{ End: not null }], TimeSpan.FromSeconds(60), () => "the incident's end: " + d.Log);
            bundle = BundleReader.Read(bundlePath);
            Assert.Empty(bundle.Problems);
            Assert.NotNull(bundle.Manifest.End);
            Assert.Contains(bundle.Files, f => f.Name == "after/nstat.txt");
            Assert.Contains(bundle.Files, f => f.Name == "during/ss.txt");
            Assert.Equal(2, DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_incident_captures_total{result=\"written\"}"));
            Assert.Equal(0, DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_incident_captures_total{result=\"failed\"}"));

            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            Assert.Equal(0, d.ExitCode);
        }
        finally
        {
            daemon?.Dispose();
            dir.Delete(recursive: true);
        }
    }
}
