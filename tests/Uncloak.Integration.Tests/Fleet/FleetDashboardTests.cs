using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using Uncloak.Integration.Tests.Web;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Fleet;

/// <summary>
/// Issue 14, the fleet page when configured: agent a of a real fleet (<see cref="FleetLab"/>) also serves the dashboard,
/// reached over its unix socket from outside a's namespace; <c>/api/fleet</c> shows a, b and c from the cluster's hosts
/// bucket with their state, version and bans by origin, and stops advancing c's heartbeat once c is stopped.
/// </summary>
public sealed class FleetDashboardTests(ITestOutputHelper output)
{
    private const string Peer = "198.18.1.9";

    private static void Ok(Support.Shell.Result r) => Assert.True(r.ExitCode == 0, r.ToString());

    private static DateTimeOffset At(JsonElement e, string name) => DateTimeOffset.Parse(e.GetProperty(name).GetString()!, CultureInfo.InvariantCulture);

    private static Dictionary<string, JsonElement> Hosts(JsonElement fleet)
        => fleet.GetProperty("hosts").EnumerateArray().ToDictionary(h => h.GetProperty("host").GetString()!, h => h, StringComparer.Ordinal);

    private static int ByOrigin(JsonElement host, string origin)
        => host.GetProperty("by_origin").TryGetProperty(origin, out var n) ? n.GetInt32() : 0;

    [RootFact]
    public async Task The_fleet_page_shows_every_host_of_a_real_cluster_with_its_state_and_bans_and_freezes_a_stopped_one()
    {
        using var lab = new FleetLab();
        var socket = Path.Combine(lab.Dir, "web.sock");
        var a = lab.StartAgent("a", extra: $$"""
            web:
              enabled: true
              listen: 127.0.0.1:9477
              socket: {{socket}}
              token_file: {{Path.Combine(lab.Dir, "web.token")}}
            """);
        lab.StartAgent("b");
        lab.StartAgent("c");
        WatchDeadline.Until(() => a.Log.Contains("event_id=6007", StringComparison.Ordinal) || a.HasExited, TimeSpan.FromSeconds(60), () => "a's dashboard to start: " + a.Log);
        Assert.False(a.HasExited, a.Log);

        using var web = DashboardClient.Unix(socket);
        var url = lab.Cli("a", "web", "url", "--config", lab.ConfigOf("a"));
        Ok(url);
        Assert.Equal(HttpStatusCode.SeeOther, web.LogIn(url.Output.Trim()).StatusCode);

        // A ban made on b by hand: b holds it as "cli", a and c as "fleet:b", and their heartbeats count it.
        Ok(lab.Uncloak("b", "bans", "add", Peer, "--for", "1h", "--reason", "held 16 windows shut"));

        // The page reads the cluster at most every 15 s and each heartbeat is rewritten every 10 s: 60 s covers both twice.
        var clock = Stopwatch.StartNew();
        JsonElement fleet = default;
        WatchDeadline.Until(() =>
        {
            var (status, json) = web.Get("/api/fleet");
            fleet = json;
            if (status != HttpStatusCode.OK || json.GetProperty("hosts").GetArrayLength() != 3)
            {
                Thread.Sleep(500);
                return false;
            }
            var hosts = Hosts(json);
            bool done = ByOrigin(hosts["b"], "cli") == 1 && ByOrigin(hosts["a"], "fleet:b") == 1 && ByOrigin(hosts["c"], "fleet:b") == 1;
            if (!done)
            {
                Thread.Sleep(500);
            }
            return done;
        }, TimeSpan.FromSeconds(60), () => $"/api/fleet to show a, b and c with b's ban: {fleet}\nagent a: {a.Log}\nnats: {lab.NatsLogs()}");
        output.WriteLine($"/api/fleet showed a, b and c with b's ban {clock.ElapsedMilliseconds} ms after the ban");

        Assert.Equal("uncloak.web.fleet/1", fleet.GetProperty("schema").GetString());
        Assert.True(fleet.GetProperty("configured").GetBoolean());
        Assert.Equal(JsonValueKind.Null, fleet.GetProperty("error").ValueKind);
        Assert.Equal(3, fleet.GetProperty("servers").GetArrayLength());
        Assert.All(fleet.GetProperty("servers").EnumerateArray(), s => Assert.StartsWith($"nats://{FleetLab.GatewayOf("a")}:", s.GetString(), StringComparison.Ordinal));
        var read = At(fleet, "read");
        var byHost = Hosts(fleet);
        Assert.Equal(["a", "b", "c"], byHost.Keys.Order(StringComparer.Ordinal));
        var version = byHost["a"].GetProperty("version").GetString();
        Assert.False(string.IsNullOrEmpty(version));
        foreach (var (name, h) in byHost)
        {
            Assert.Equal("up", h.GetProperty("state").GetString());
            Assert.Equal(version, h.GetProperty("version").GetString());
            var seen = At(h, "seen");
            Assert.InRange(read - seen, TimeSpan.FromSeconds(-2), TimeSpan.FromSeconds(60));
            Assert.Equal(1, h.GetProperty("bans_in_force").GetInt32());
            Assert.Equal(0, h.GetProperty("refused").GetInt64());
            // Only a and c received b's ban from the cluster; b's own is not applied back to it.
            Assert.Equal(name == "b" ? 0 : 1, h.GetProperty("applied").GetInt64());
            Assert.Single(h.GetProperty("by_origin").EnumerateObject());
        }

        // The page in Debian's Chromium, run in a's namespace (as DashboardBrowserTests): one row per host, all up.
        await using (var chromium = await NamespacedChromium.LaunchAsync(lab.Ns("a"), lab.Dir, height: 700))
        {
            var context = chromium.Context;
            var page = await context.NewPageAsync();
            await page.GotoAsync(url.Output.Trim());
            await page.GotoAsync("http://127.0.0.1:9477/fleet");
            var rows = page.Locator("#fleet tr.fleet-host");
            await rows.Nth(2).WaitForAsync(new() { Timeout = 30_000 });
            Assert.Equal(3, await rows.CountAsync());
            foreach (var (host, origin) in new[] { ("a", "fleet:b 1"), ("b", "cli 1"), ("c", "fleet:b 1") })
            {
                var cells = await page.Locator("#fleet tr.fleet-host", new() { Has = page.Locator("td:first-child", new() { HasTextRegex = new($"^{host}$") }) }).Locator("td").AllInnerTextsAsync();
                Assert.Equal(host, cells[0]);
                Assert.Equal("up", cells[1]);
                Assert.Equal(version, cells[3]);
                Assert.Equal(origin, cells[5]);
            }
            var shots = Path.Combine(AppContext.BaseDirectory, "web-screenshots");
            Directory.CreateDirectory(shots);
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "fleet-configured.png"), FullPage = true });
            chromium.AssertNoErrors();
        }

        // c stopped: its record stays in the bucket, and its `seen` stops at its last heartbeat while a's and b's move on.
        // "silent" itself needs 60 s without a heartbeat plus up to 15 s of the page's cache (up to 75 s): not waited for.
        lab.StopAgent("c");
        var stopped = DateTimeOffset.UtcNow;
        JsonElement after = default;
        WatchDeadline.Until(() =>
        {
            after = web.Get("/api/fleet").Json;
            var hosts = Hosts(after);
            bool moved = hosts.Count == 3 && At(hosts["a"], "seen") > stopped && At(hosts["b"], "seen") > stopped;
            if (!moved)
            {
                Thread.Sleep(500);
            }
            return moved;
        }, TimeSpan.FromSeconds(45), () => $"a's and b's heartbeats after c stopped: {after}");
        var c = Hosts(after)["c"];
        Assert.True(At(c, "seen") <= stopped, $"c's heartbeat after it stopped: {c}");
        // The state follows the documented rule: up until 60 s since the last heartbeat, as of the page's read.
        var sinceC = At(after, "read") - At(c, "seen");
        Assert.Equal(sinceC > TimeSpan.FromSeconds(60) ? "silent" : "up", c.GetProperty("state").GetString());
        output.WriteLine($"c's last heartbeat {sinceC.TotalSeconds:F1} s before the page's read; a's and b's moved on");
    }
}
