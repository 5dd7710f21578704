using Microsoft.Playwright;
using Xunit;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// Issue 14 in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser), run inside the
/// daemon's `uweb-` network namespace (through a two-line wrapper, so it reaches the daemon's loopback listener and
/// nothing else). Logs in with the token; a scenario's ban appears on the overview and the peers page without a
/// reload; Unban on the bans page takes it out of the real nftables set; every page renders without a console error and
/// is photographed into the test results (web-screenshots/).
/// </summary>
public sealed class DashboardBrowserTests
{
    private static string Shrunk(string peer, int port) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    [RootFact]
    public async Task In_chromium_a_ban_shows_live_and_unban_from_the_page_empties_the_kernel_set()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: test.sh installs it");
        using var ns = NetworkNamespace.Create("uweb-");
        NetworkNamespace.Run("ip", "-n", ns.Name, "link", "set", "lo", "up");
        var dir = Directory.CreateTempSubdirectory("uncloak-web-browser-");
        var shots = Path.Combine(AppContext.BaseDirectory, "web-screenshots");
        Directory.CreateDirectory(shots);
        try
        {
            var db = Path.Combine(dir.FullName, "u.db");
            var log = Path.Combine(dir.FullName, "kern.log");
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
                probes:
                  - { name: dashboard, http: "http://127.0.0.1:9477/healthz", interval: 1s, timeout: 500ms }
                control: off
                web:
                  enabled: true
                  listen: 127.0.0.1:9477
                  token_file: {{Path.Combine(dir.FullName, "web.token")}}
                """);
            // Chromium in the daemon's namespace: ip netns exec replaces itself with chromium, the pipes Playwright talks
            // over are inherited as they are.

            using var daemon = DaemonProcess.StartIn(ns.Name, "watch", "--config", config);
            WatchDeadline.Until(() => daemon.Log.Contains("event_id=6007", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(60), () => "the dashboard to start: " + daemon.Log);
            Assert.False(daemon.HasExited, daemon.Log);
            // A recorded outage with its incident bundle, for the timeline's band and marker and the outages page.
            DashboardIncidentFixture.Add(db, dir.FullName, DateTimeOffset.UtcNow.AddMinutes(-40));
            var url = CliRun.Run("web", "url", "--config", config);
            Assert.True(url.ExitCode == 0, url.Error);

            await using var chromium = await NamespacedChromium.LaunchAsync(ns.Name, dir.FullName);
            var context = chromium.Context;

            // Log in: the link lands on the overview, whose first live update shows the probe.
            var overview = await context.NewPageAsync();
            await overview.GotoAsync(url.Output.Trim());
            Assert.Equal("http://127.0.0.1:9477/", overview.Url);
            await overview.Locator("#overview").WaitForAsync(new() { Timeout = 30_000 });
            var peers = await context.NewPageAsync();
            await peers.GotoAsync("http://127.0.0.1:9477/peers");
            await peers.Locator("#peer").WaitForAsync(new() { Timeout = 30_000 });

            // A scenario's ban: both open pages show it without a reload.
            File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.5", 2000 + i)));
            await overview.Locator("#in-force tr.ban[data-target='198.18.3.5']").WaitForAsync(new() { Timeout = 30_000 });
            await peers.Locator("#peer tr.ban[data-target='198.18.3.5']").WaitForAsync(new() { Timeout = 30_000 });
            Assert.Contains("198.18.3.5", ns.Exec("nft", "list", "set", "inet", "uncloak", "ban4").Out, StringComparison.Ordinal);
            await overview.Locator("#rates tr.rate").First.WaitForAsync(new() { Timeout = 60_000 }); // events per second by kind
            await overview.ScreenshotAsync(new() { Path = Path.Combine(shots, "overview.png"), FullPage = true });

            // Why was it banned: the per-peer page names the scenario and the kernel line.
            await peers.GotoAsync("http://127.0.0.1:9477/peers?address=198.18.3.5");
            await peers.Locator("#peer-state.bad").WaitForAsync(new() { Timeout = 30_000 });
            Assert.Contains("shrunk-window-peers", await peers.Locator("#peer").InnerTextAsync(), StringComparison.Ordinal);
            // Reverse DNS answers (a name, or why none: the namespace has no resolver to reach) within its 2 s bound.
            await peers.Locator("#peer-rdns", new() { HasNotText = "looking up" }).WaitForAsync(new() { Timeout = 10_000 });
            await peers.ScreenshotAsync(new() { Path = Path.Combine(shots, "peers.png"), FullPage = true });

            // Unban from the bans page: the row says revoked, the kernel set no longer holds the address.
            var bans = await context.NewPageAsync();
            await bans.GotoAsync("http://127.0.0.1:9477/bans");
            await bans.ScreenshotAsync(new() { Path = Path.Combine(shots, "bans.png"), FullPage = true });
            await bans.Locator("#ban-rows tr[data-target='198.18.3.5'] button", new() { HasText = "Unban" }).ClickAsync();
            await bans.Locator("#status", new() { HasText = "unban 198.18.3.5" }).WaitForAsync(new() { Timeout = 30_000 });
            WatchDeadline.Until(() => !ns.Exec("nft", "list", "set", "inet", "uncloak", "ban4").Out.Contains("198.18.3.5", StringComparison.Ordinal),
                TimeSpan.FromSeconds(10), () => "the unbanned address out of the kernel set: " + daemon.Log);
            await overview.Locator("#in-force tr.ban[data-target='198.18.3.5']").WaitForAsync(new() { State = WaitForSelectorState.Detached, Timeout = 30_000 });

            // Every other page renders.
            foreach (var (path, name, ready) in new[]
            {
                ("/timeline?range=6h", "timeline", "#timeline-marks tr.incident"), ("/outages", "outages", "tr.outage .incident"), ("/actions", "actions", "tr.action"),
                ("/audit", "audit", "#audit-score"), ("/fleet", "fleet", "#fleet"),
            })
            {
                var page = await context.NewPageAsync();
                await page.GotoAsync("http://127.0.0.1:9477" + path);
                await page.Locator(ready).First.WaitForAsync(new() { Timeout = 30_000 });
                if (name == "timeline")
                {
                    // uPlot drew: its canvas and the legend with the kind the scenario's lines were.
                    await page.Locator("#timeline-chart canvas").WaitForAsync(new() { Timeout = 30_000 });
                    Assert.Contains("treason", await page.Locator("#timeline-chart .u-legend").InnerTextAsync(), StringComparison.Ordinal);
                }
                if (name == "outages")
                {
                    // The evidence of the incident, read again from its bundle.
                    await page.Locator("tr.outage button", new() { HasText = "evidence" }).First.ClickAsync();
                    await page.Locator(".incident-detail table").WaitForAsync(new() { Timeout = 30_000 });
                }
                await page.ScreenshotAsync(new() { Path = Path.Combine(shots, name + ".png"), FullPage = true });
            }
            chromium.AssertNoErrors();

            daemon.Signal(DaemonProcess.SIGTERM);
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.Log);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
