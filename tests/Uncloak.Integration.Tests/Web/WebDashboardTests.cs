using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// Issue 14: the dashboard of a real `uncloak watch`. Without root (firewall off, loopback TCP): the login token, the
/// session cookie, the Host check, the antiforgery token, the pages and the API. As root (a `uweb-` namespace, real
/// nftables, the dashboard's unix socket): a scenario's ban shows in the API and is lifted from it, out of the kernel set;
/// a ban made from the dashboard goes through the same workflow, and every action is recorded with the session as who.
/// </summary>
public sealed class WebDashboardTests
{
    private static string Shrunk(string peer, int port) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    private static void AddDecision(string db, string target, string origin, string? scenario)
    {
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO decisions (target, reason, origin, scenario, created_ms, expires_ms, repeat, status) VALUES ($t, 'by hand', $o, $s, $now, $later, 0, 1)";
        cmd.Parameters.AddWithValue("$t", target);
        cmd.Parameters.AddWithValue("$o", origin);
        cmd.Parameters.AddWithValue("$s", (object?)scenario ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$later", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        cmd.ExecuteNonQuery();
    }

    private static DaemonProcess StartDaemon(string? netns, string config)
    {
        var daemon = DaemonProcess.StartIn(netns, "watch", "--config", config);
        WatchDeadline.Until(() => daemon.Log.Contains("event_id=6007", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(60), () => "the dashboard to start: " + daemon.Log);
        Assert.False(daemon.HasExited, daemon.Log);
        return daemon;
    }

    private static string LoginUrl(string config)
    {
        var r = CliRun.Run("web", "url", "--config", config);
        Assert.True(r.ExitCode == 0, r.Error);
        return r.Output.Trim();
    }

    [Fact]
    public void The_dashboard_needs_the_token_a_session_its_own_host_name_and_the_antiforgery_token()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-web-");
        try
        {
            int port = DaemonProcess.FreePort();
            var db = Path.Combine(dir.FullName, "u.db");
            var log = Path.Combine(dir.FullName, "kern.log");
            var tokenFile = Path.Combine(dir.FullName, "run", "web.token");
            var config = Path.Combine(dir.FullName, "uncloak.yaml");
            File.WriteAllText(log, "");
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
                  token_file: {{tokenFile}}
                """);
            using var daemon = StartDaemon(null, config);

            // The token: root-only, 43 base64url characters, and the link `web url` prints carries it.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tokenFile));
            string token = File.ReadAllText(tokenFile).Trim();
            Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
            string url = LoginUrl(config);
            Assert.Equal($"http://127.0.0.1:{port}/login?token={token}", url);
            var json = CliRun.Run("web", "url", "--config", config, "--json");
            Assert.Equal("uncloak.web.url/1", json.Json.GetProperty("schema").GetString());

            using var web = DashboardClient.Tcp(port);
            // No session: the API says 401, a page asks for the login, the script and style are served (they hold no data).
            using (var r = web.Send(HttpMethod.Get, "/api/overview"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
                Assert.Equal("uncloak.web.error/1", DashboardClient.Json(r).GetProperty("schema").GetString());
            }
            using (var r = web.Send(HttpMethod.Get, "/bans"))
            {
                Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode);
                Assert.Contains("uncloak web url", DashboardClient.Text(r), StringComparison.Ordinal);
            }
            using (var r = web.Send(HttpMethod.Get, "/assets/app.js"))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.StartsWith("text/javascript", r.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
            }
            // A wrong token makes no session; a cookie nobody issued is no session either.
            using (var r = web.Send(HttpMethod.Get, "/login?token=" + new string('A', 43), session: false))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
                Assert.False(r.Headers.Contains("Set-Cookie"));
            }
            using (var r = web.LogIn(url))
            {
                Assert.Equal(HttpStatusCode.SeeOther, r.StatusCode);
                Assert.Equal("/", r.Headers.Location!.ToString());
                string cookie = Assert.Single(r.Headers.GetValues("Set-Cookie"));
                Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
                Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
            }
            Assert.NotNull(web.Session);
            Assert.False(string.IsNullOrEmpty(web.Antiforgery));

            // With the session: the overview is the daemon's status; another Host (DNS rebinding) is refused even with it.
            var (status, overview) = web.Get("/api/overview");
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal("uncloak.web.overview/1", overview.GetProperty("schema").GetString());
            Assert.Equal("uncloak.status/1", overview.GetProperty("status").GetProperty("schema").GetString());
            Assert.Equal(daemon.Pid, overview.GetProperty("status").GetProperty("pid").GetInt32());
            using (var r = web.Send(HttpMethod.Get, "/api/overview", host: "rebound.example:" + port))
            {
                Assert.Equal(HttpStatusCode.MisdirectedRequest, r.StatusCode);
            }
            using (var r = web.Send(HttpMethod.Get, "/api/overview", host: "localhost:" + port))
            {
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

            // Every page renders with the CSP, the antiforgery token and no inline script.
            foreach (var path in new[] { "/", "/bans", "/peers", "/outages", "/actions", "/fleet" })
            {
                using var r = web.Send(HttpMethod.Get, path);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
                Assert.Contains("default-src 'self'", string.Join(";", r.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
                string html = DashboardClient.Text(r);
                Assert.Contains(web.Antiforgery!, html, StringComparison.Ordinal);
                Assert.Contains("<script src=\"/assets/app.js\" defer></script>", html, StringComparison.Ordinal);
                Assert.Equal(1, html.Split("<script", StringSplitOptions.None).Length - 1);
            }

            // Bans page through 5 decisions two at a time (keyset: each page asks for ids below the last one shown).
            for (int i = 1; i <= 5; i++)
            {
                AddDecision(db, $"198.18.9.{i}", i % 2 == 0 ? "import" : "cli", null);
            }
            var seen = new List<string>();
            string query = "/api/bans?active=1&limit=2";
            int pages = 0;
            while (true)
            {
                var (s, page) = web.Get(query);
                Assert.Equal(HttpStatusCode.OK, s);
                Assert.Equal("uncloak.web.bans/1", page.GetProperty("schema").GetString());
                seen.AddRange(page.GetProperty("bans").EnumerateArray().Select(b => b.GetProperty("target").GetString()!));
                pages++;
                if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
                {
                    break;
                }
                query = "/api/bans?active=1&limit=2&before=" + page.GetProperty("next").GetInt64();
            }
            Assert.Equal(3, pages);
            Assert.Equal(["198.18.9.5", "198.18.9.4", "198.18.9.3", "198.18.9.2", "198.18.9.1"], seen);
            var imported = web.Get("/api/bans?origin=import").Json.GetProperty("bans").EnumerateArray().Select(b => b.GetProperty("target").GetString()).ToList();
            Assert.Equal(["198.18.9.4", "198.18.9.2"], imported);
            Assert.Equal(HttpStatusCode.BadRequest, web.Get("/api/bans?since=yesterday-ish").Status);

            // The peer page's question, answered with `uncloak peer`'s document.
            var (ps, peer) = web.Get("/api/peers/198.18.9.3");
            Assert.Equal(HttpStatusCode.OK, ps);
            Assert.Equal("uncloak.peer/1", peer.GetProperty("schema").GetString());
            Assert.True(peer.GetProperty("banned").GetBoolean());
            Assert.Equal("cli", Assert.Single(peer.GetProperty("decisions").EnumerateArray()).GetProperty("origin").GetString());
            Assert.Equal(HttpStatusCode.BadRequest, web.Get("/api/peers/not-an-address").Status);

            // A POST without the antiforgery token, or with another, is refused before anything is done.
            using (var r = web.Send(HttpMethod.Post, "/api/ban", """{"target":"198.18.30.1","duration":"1h"}"""))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            }
            using (var r = web.Send(HttpMethod.Post, "/api/ban", """{"target":"198.18.30.1","duration":"1h"}""", antiforgery: new string('x', 43)))
            {
                Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            }
            Assert.Equal(HttpStatusCode.BadRequest, web.Post("/api/ban", """{"target":"not-an-address","duration":"1h"}""").Status);
            Assert.Equal(HttpStatusCode.BadRequest, web.Post("/api/ban", """{"target":"198.18.30.1","duration":"soon"}""").Status);
            // With it, the ban reaches the engine; with the firewall off it is recorded only, and says so.
            var (bs, ban) = web.Post("/api/ban", """{"target":"198.18.30.1","duration":"1h","reason":"seen scanning"}""");
            Assert.Equal(HttpStatusCode.Conflict, bs);
            Assert.False(ban.GetProperty("done").GetBoolean());
            Assert.Contains("recorded only", ban.GetProperty("outcome").GetString(), StringComparison.Ordinal);
            string who = ban.GetProperty("by").GetString()!;
            Assert.Matches("^web session [0-9a-f]{8}$", who);
            Assert.DoesNotContain(web.Session!, who, StringComparison.Ordinal);
            var action = web.Get("/api/actions").Json.GetProperty("actions").EnumerateArray().First();
            Assert.Equal(who, action.GetProperty("by").GetString());
            Assert.Equal("198.18.30.1", action.GetProperty("target").GetString());
            // The journal line too (stderr is read asynchronously: wait for it, never assume it arrived with the answer).
            WatchDeadline.Until(() => daemon.Log.Contains("event_id=2007", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => "the action's log line: " + daemon.Log);

            // The live stream sends the overview at once: one event, its data the status document.
            string first = web.FirstEvent("/api/stream");
            Assert.StartsWith("event: overview\ndata: {\"schema\":\"uncloak.status/1\"", first.ReplaceLineEndings("\n"), StringComparison.Ordinal);

            // Logging out ends the session.
            Assert.Equal(HttpStatusCode.OK, web.Post("/logout", "{}").Status);
            Assert.Equal(HttpStatusCode.Unauthorized, web.Get("/api/overview").Status);

            daemon.Signal(DaemonProcess.SIGTERM);
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.Log);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [RootFact]
    public void A_scenario_ban_shows_on_the_dashboard_and_its_unban_removes_it_from_the_kernel_set()
    {
        using var ns = NetworkNamespace.Create("uweb-");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        var dir = Directory.CreateTempSubdirectory("uncloak-web-root-");
        try
        {
            var db = Path.Combine(dir.FullName, "u.db");
            var log = Path.Combine(dir.FullName, "kern.log");
            var socket = Path.Combine(dir.FullName, "web.sock");
            var config = Path.Combine(dir.FullName, "uncloak.yaml");
            File.WriteAllText(log, "");
            File.WriteAllText(config, $$"""
                store: {{db}}
                firewall: nftables
                sources:
                  kmsg: false
                  sockets: off
                  files:
                    - { path: {{log}}, from_start: true }
                metrics: off
                control: off
                web:
                  enabled: true
                  socket: {{socket}}
                  token_file: {{Path.Combine(dir.FullName, "web.token")}}
                """);
            using var daemon = StartDaemon(ns.Name, config);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
            using var web = DashboardClient.Unix(socket);
            Assert.Equal(HttpStatusCode.SeeOther, web.LogIn(LoginUrl(config)).StatusCode);

            bool InKernel(string address) => ns.Exec("nft", "list", "set", "inet", "uncloak", "ban4").Out.Contains(address, StringComparison.Ordinal);
            List<JsonElement> InForce() => [.. web.Get("/api/bans?active=1").Json.GetProperty("bans").EnumerateArray()];

            // A scenario's ban (six shrunk-window records from one peer) shows in the API the pages poll and stream.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.5", 2000 + i)));
            WatchDeadline.Until(() => InForce().Any(b => b.GetProperty("target").GetString() == "198.18.3.5"), TimeSpan.FromSeconds(30), () => "the scenario's ban on the dashboard: " + daemon.Log);
            var scenarioBan = InForce().Single(b => b.GetProperty("target").GetString() == "198.18.3.5");
            Assert.Equal("watch", scenarioBan.GetProperty("origin").GetString());
            Assert.Equal("shrunk-window-peers", scenarioBan.GetProperty("scenario").GetString());
            // The daemon commits a ban to the store, then puts it in the kernel set (BanWorkflow: the store first, so a
            // crash between the two is reconciled from it): the dashboard can see it those milliseconds before nft does.
            WatchDeadline.Until(() => InKernel("198.18.3.5"), TimeSpan.FromSeconds(10), () => "the scenario's ban is not in the kernel set: " + daemon.Log);
            var overview = web.Get("/api/overview").Json.GetProperty("status");
            Assert.Equal(1, overview.GetProperty("bans_in_force").GetProperty("total").GetInt64());

            // Unban from the dashboard: revoked in the store with the session as who, removed from the kernel set.
            var (us, unban) = web.Post("/api/unban", """{"target":"198.18.3.5"}""");
            Assert.True(us == HttpStatusCode.OK, unban.ToString());
            Assert.True(unban.GetProperty("done").GetBoolean(), unban.ToString());
            string who = unban.GetProperty("by").GetString()!;
            Assert.False(InKernel("198.18.3.5"), "the unbanned address is still in the kernel set");
            Assert.Empty(InForce());
            var peer = web.Get("/api/peers/198.18.3.5").Json;
            Assert.False(peer.GetProperty("banned").GetBoolean());
            Assert.Equal(who, Assert.Single(peer.GetProperty("decisions").EnumerateArray()).GetProperty("revoked_by").GetString());

            // A ban from the dashboard passes the same workflow into the kernel; extending it keeps one row in force.
            var (bs, ban) = web.Post("/api/ban", """{"target":"198.18.40.9","duration":"1h","reason":"seen scanning"}""");
            Assert.True(bs == HttpStatusCode.OK, ban.ToString());
            Assert.True(InKernel("198.18.40.9"), "the dashboard's ban is not in the kernel set");
            var (es, extend) = web.Post("/api/extend", """{"target":"198.18.40.9","duration":"48h"}""");
            Assert.True(es == HttpStatusCode.OK, extend.ToString());
            var row = Assert.Single(InForce());
            Assert.Equal("web", row.GetProperty("origin").GetString());
            Assert.True(DateTimeOffset.Parse(row.GetProperty("expires").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.UtcNow.AddHours(47));
            // The safety rules hold here as on the command line: loopback is never banned.
            var (ls, loopback) = web.Post("/api/ban", """{"target":"127.0.0.1","duration":"1h"}""");
            Assert.Equal(HttpStatusCode.Conflict, ls);
            Assert.Contains("refused", loopback.GetProperty("outcome").GetString(), StringComparison.Ordinal);

            var actions = web.Get("/api/actions").Json.GetProperty("actions").EnumerateArray().Where(a => a.GetProperty("by").GetString() == who).ToList();
            Assert.Equal(["ban", "ban", "ban", "unban"], actions.Select(a => a.GetProperty("action").GetString()).ToList());

            daemon.Signal(DaemonProcess.SIGTERM);
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.Log);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
