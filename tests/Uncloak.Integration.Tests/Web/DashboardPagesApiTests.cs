using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Xunit;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// Issue 14, the pages added after the first cut: the timeline (from the per-minute counts), outages with their lead-up
/// and incidents (verdict, evidence, bundle download), the audit, the fleet and reverse DNS — through a real
/// `uncloak watch` without root (firewall off, loopback TCP), every answer checked against what the daemon stored.
/// </summary>
public sealed class DashboardPagesApiTests
{
    private static string Shrunk(DateTime t, int port) =>
        $"{t:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.3.5:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    [Fact]
    public void Timeline_outages_incidents_audit_fleet_and_reverse_dns_answer_from_what_the_daemon_holds()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-web-pages-");
        try
        {
            int port = DaemonProcess.FreePort();
            var db = Path.Combine(dir.FullName, "u.db");
            var log = Path.Combine(dir.FullName, "kern.log");
            var config = Path.Combine(dir.FullName, "uncloak.yaml");
            // On whole minutes, so each group of lines falls in one minute.
            var now = new DateTime(DateTime.UtcNow.Ticks - (DateTime.UtcNow.Ticks % TimeSpan.TicksPerMinute), DateTimeKind.Utc);
            // Four lines 20 minutes ago (the outage's lead-up) and three 5 minutes ago; the outage runs from 15 to 12 minutes ago.
            File.WriteAllLines(log, [
                .. Enumerable.Range(0, 4).Select(i => Shrunk(now.AddMinutes(-20).AddSeconds(10 + i), 3000 + i)),
                .. Enumerable.Range(0, 3).Select(i => Shrunk(now.AddMinutes(-5).AddSeconds(10 + i), 4000 + i)),
            ]);
            File.WriteAllText(config, $$"""
                store: {{db}}
                firewall: off          # the host's namespace: never touch its firewall
                sources:
                  kmsg: false
                  sockets: off
                  files:
                    - { path: {{log}}, from_start: true }
                metrics: off
                control: off
                web:
                  enabled: true
                  listen: 127.0.0.1:{{port}}
                  token_file: {{Path.Combine(dir.FullName, "web.token")}}
                """);
            using var daemon = DaemonProcess.StartIn(null, "watch", "--config", config);
            WatchDeadline.Until(() => daemon.Log.Contains("event_id=6007", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(60), () => "the dashboard to start: " + daemon.Log);
            Assert.False(daemon.HasExited, daemon.Log);
            string incident = DashboardIncidentFixture.Add(db, dir.FullName, new DateTimeOffset(now.AddMinutes(-15)));
            var url = CliRun.Run("web", "url", "--config", config);
            Assert.True(url.ExitCode == 0, url.Error);
            using var web = DashboardClient.Tcp(port);
            using (web.LogIn(url.Output.Trim()))
            {
            }

            // Timeline: the last hour per minute, the seven lines in two minutes, the outage and its incident in view.
            JsonElement t = default;
            WatchDeadline.Until(() => (t = web.Get("/api/timeline?range=1h").Json).GetProperty("total").GetInt64() == 7, TimeSpan.FromSeconds(30), () => "7 events on the timeline: " + t);
            Assert.Equal("uncloak.web.timeline/1", t.GetProperty("schema").GetString());
            Assert.Equal(60, t.GetProperty("step").GetInt32());
            var treason = Assert.Single(t.GetProperty("series").EnumerateArray());
            Assert.Equal("treason", treason.GetProperty("kind").GetString());
            var counts = treason.GetProperty("counts").EnumerateArray().Select(c => c.GetInt64()).ToList();
            Assert.Equal(t.GetProperty("buckets").GetInt32(), counts.Count);
            Assert.Equal([4L, 3L], counts.Where(c => c > 0).ToList());
            Assert.Equal("site", Assert.Single(t.GetProperty("outages").EnumerateArray()).GetProperty("probe").GetString());
            Assert.Equal(incident, Assert.Single(t.GetProperty("incidents").EnumerateArray()).GetProperty("id").GetString());
            var month = web.Get("/api/timeline?range=30d").Json;
            Assert.Equal(3600, month.GetProperty("step").GetInt32());
            Assert.Equal(7, month.GetProperty("total").GetInt64());
            // Out of bounds or not a time: a clear 400, never a crash.
            foreach (var bad in new[] { "/api/timeline?range=31d", "/api/timeline?range=10m", "/api/timeline?range=soon", "/api/timeline?from=yesterday" })
            {
                var (status, error) = web.Get(bad);
                Assert.Equal(HttpStatusCode.BadRequest, status);
                Assert.Equal("uncloak.web.error/1", error.GetProperty("schema").GetString());
            }

            // Outages: the lead-up holds the four lines before the start, the incident its layer and bundle link.
            var outage = Assert.Single(web.Get("/api/outages").Json.GetProperty("outages").EnumerateArray());
            Assert.Equal(4, outage.GetProperty("lead_up").GetProperty("treason").GetInt64());
            Assert.False(outage.GetProperty("during").TryGetProperty("treason", out _));
            var linked = Assert.Single(outage.GetProperty("incidents").EnumerateArray());
            Assert.Equal("shaper", linked.GetProperty("layer").GetString());
            Assert.Equal($"/api/incidents/{incident}/bundle", linked.GetProperty("bundle").GetString());

            // The incident: the verdict worked out from the bundle again, with its evidence.
            var (shown, detail) = web.Get("/api/incidents/" + incident);
            Assert.Equal(HttpStatusCode.OK, shown);
            var one = Assert.Single(detail.GetProperty("incidents").EnumerateArray());
            Assert.Equal("shaper", one.GetProperty("layer").GetString());
            Assert.Contains(one.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("kind").GetString() == "qdisc");
            Assert.Empty(one.GetProperty("problems").EnumerateArray());
            Assert.Equal(incident, Assert.Single(web.Get("/api/incidents").Json.GetProperty("incidents").EnumerateArray()).GetProperty("id").GetString());

            // The bundle download: a tar.gz of the folder, the manifest byte for byte.
            using (var r = web.Send(HttpMethod.Get, $"/api/incidents/{incident}/bundle"))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Equal("application/gzip", r.Content.Headers.ContentType!.MediaType);
                using var tar = new TarReader(new GZipStream(r.Content.ReadAsStream(), CompressionMode.Decompress));
                var names = new List<string>();
                while (tar.GetNextEntry(copyData: true) is { } entry)
                {
                    names.Add(entry.Name);
                    if (entry.Name == $"{incident}/manifest.json")
                    {
                        using var copy = new MemoryStream();
                        entry.DataStream!.CopyTo(copy);
                        Assert.Equal(File.ReadAllBytes(Path.Combine(dir.FullName, "incidents", incident, "manifest.json")), copy.ToArray());
                    }
                }
                Assert.Contains($"{incident}/manifest.json", names);
                Assert.Contains(names, n => n.StartsWith($"{incident}/before/", StringComparison.Ordinal));
            }
            Assert.Equal(HttpStatusCode.BadRequest, web.Get("/api/incidents/..%2F..%2Fetc/bundle").Status);
            Assert.Equal(HttpStatusCode.NotFound, web.Get("/api/incidents/20990101T000000Z-none/bundle").Status);
            Assert.Equal(HttpStatusCode.NotFound, web.Get("/api/incidents/20990101T000000Z-none").Status);

            // The audit of this host, read-only, and the same report for a minute.
            var audit = web.Get("/api/audit").Json;
            Assert.Equal("uncloak.web.audit/1", audit.GetProperty("schema").GetString());
            Assert.Equal("uncloak.audit/1", audit.GetProperty("report").GetProperty("schema").GetString());
            Assert.NotEmpty(audit.GetProperty("report").GetProperty("results").EnumerateArray());
            Assert.Equal(audit.GetProperty("time").GetString(), web.Get("/api/audit").Json.GetProperty("time").GetString());

            // No fleet: section in the config.
            var fleet = web.Get("/api/fleet").Json;
            Assert.False(fleet.GetProperty("configured").GetBoolean());
            Assert.Empty(fleet.GetProperty("hosts").EnumerateArray());

            // Reverse DNS of loopback (answered from /etc/hosts, nothing leaves the host); twice: the second from the cache.
            var rdns = web.Get("/api/rdns/127.0.0.1").Json;
            Assert.Equal("uncloak.web.rdns/1", rdns.GetProperty("schema").GetString());
            Assert.Equal("127.0.0.1", rdns.GetProperty("address").GetString());
            Assert.False(rdns.GetProperty("cached").GetBoolean());
            Assert.True(web.Get("/api/rdns/127.0.0.1").Json.GetProperty("cached").GetBoolean());
            Assert.Equal(HttpStatusCode.BadRequest, web.Get("/api/rdns/not-an-address").Status);

            // The timeline page loads the vendored chart library, which is served with its licence.
            using (var page = web.Send(HttpMethod.Get, "/timeline"))
            {
                string html = DashboardClient.Text(page);
                Assert.Contains("<script src=\"/assets/uPlot.iife.min.js\" defer></script>", html, StringComparison.Ordinal);
                Assert.Equal("default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
            }
            using (var lib = web.Send(HttpMethod.Get, "/assets/uPlot.iife.min.js", session: false))
            {
                Assert.Equal(HttpStatusCode.OK, lib.StatusCode);
                Assert.Contains("uPlot", DashboardClient.Text(lib), StringComparison.Ordinal);
            }
            using (var licence = web.Send(HttpMethod.Get, "/assets/uPlot.LICENSE", session: false))
            {
                Assert.Contains("The MIT License", DashboardClient.Text(licence), StringComparison.Ordinal);
            }
            // Without the session, the new APIs are refused like the others.
            using (var r = web.Send(HttpMethod.Get, "/api/timeline", session: false))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
            }
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>
    /// A fleet whose cluster cannot be reached: the page says so (an error, no hosts) within its 5 s bound instead of
    /// hanging, and the server list never shows the credentials a URL may carry (nats://user:password@host).
    /// </summary>
    [Fact]
    public void An_unreachable_fleet_is_reported_as_such_and_its_urls_lose_their_credentials()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-web-fleet-");
        try
        {
            int port = DaemonProcess.FreePort(), nats = DaemonProcess.FreePort();
            var config = Path.Combine(dir.FullName, "uncloak.yaml");
            File.WriteAllText(config, $$"""
                store: {{Path.Combine(dir.FullName, "u.db")}}
                firewall: off          # the host's namespace: never touch its firewall
                sources:
                  kmsg: false
                  sockets: off
                metrics: off
                control: off
                fleet:
                  servers: ["nats://web-07:s3cret-pass@127.0.0.1:{{nats}}"]
                  host: web-07
                web:
                  enabled: true
                  listen: 127.0.0.1:{{port}}
                  token_file: {{Path.Combine(dir.FullName, "web.token")}}
                """);
            using var daemon = DaemonProcess.StartIn(null, "watch", "--config", config);
            WatchDeadline.Until(() => daemon.Log.Contains("event_id=6007", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(60), () => "the dashboard to start: " + daemon.Log);
            Assert.False(daemon.HasExited, daemon.Log);
            var url = CliRun.Run("web", "url", "--config", config);
            Assert.True(url.ExitCode == 0, url.Error);
            using var web = DashboardClient.Tcp(port);
            using (web.LogIn(url.Output.Trim()))
            {
            }

            var clock = System.Diagnostics.Stopwatch.StartNew();
            var (status, fleet) = web.Get("/api/fleet");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"the fleet page took {clock.Elapsed.TotalSeconds:0.0} s");
            Assert.Equal("uncloak.web.fleet/1", fleet.GetProperty("schema").GetString());
            Assert.True(fleet.GetProperty("configured").GetBoolean());
            Assert.False(string.IsNullOrEmpty(fleet.GetProperty("error").GetString()), fleet.ToString());
            Assert.Empty(fleet.GetProperty("hosts").EnumerateArray());
            Assert.Equal($"nats://127.0.0.1:{nats}", Assert.Single(fleet.GetProperty("servers").EnumerateArray()).GetString());
            Assert.DoesNotContain("s3cret", fleet.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
