using System.Diagnostics;
using Microsoft.Playwright;
using Uncloak.Lab.Attacks;
using Uncloak.Lab.Defences;
using Uncloak.Lab.Topology;
using Uncloak.Lab.Victim;
using Xunit;
using Xunit.Abstractions;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// Issue 14's test point "a lab zero-window attack makes a ban appear on the overview and the peers page without reload",
/// with the lab's real parts and no log line written by the test: the lab's namespaces, its Kestrel victim, the shipped
/// daemon (<see cref="WatchDaemon"/>, the lab's shipped-defaults config plus the dashboard) in the server namespace, and
/// Debian's Chromium in that namespace too (the same two-line <c>ip netns exec</c> wrapper as
/// <see cref="DashboardBrowserTests"/>), with the overview and the peers page open before the attacker's raw-socket
/// zero-window holder starts. The daemon has only the server's socket table as evidence, as in the lab matrix.
/// </summary>
public sealed class DashboardLabAttackTests(ITestOutputHelper output)
{
    /// <summary>Far longer than the matrix's ban time (under 4 s), so a slow shared CI machine does not fail the test.</summary>
    private static readonly TimeSpan BanLimit = TimeSpan.FromSeconds(60);

    private const string Dashboard = "http://127.0.0.1:9477";

    [RootFact]
    public async Task In_chromium_a_lab_zero_window_attack_shows_its_ban_on_the_open_overview_and_peers_pages()
    {
        Assert.True(File.Exists("/usr/bin/chromium"), "Debian's chromium is missing: test.sh installs it");
        var names = LabPrefix.ForThisRun();
        string attacker = LabNames.AttackerAddress.ToString();
        var shots = Path.Combine(AppContext.BaseDirectory, "web-screenshots");
        Directory.CreateDirectory(shots);
        var wrapperDir = Directory.CreateTempSubdirectory("uncloak-web-lab-");
        using var stopAttack = new CancellationTokenSource();
        Task<AttackStats>? attack = null;
        LabTopology.Up(names);
        try
        {
            await using var victim = await KestrelVictim.StartAsync(names.Server, 16, CancellationToken.None);
            // The daemon stops by itself after this even if the test host dies; the test takes about a minute at most.
            await using var daemon = await WatchDaemon.StartAsync(names, TimeSpan.FromMinutes(4), store => LabConfig.Render(store) + $$"""
                web:
                  enabled: true
                  listen: 127.0.0.1:9477
                  token_file: {{Path.Combine(Path.GetDirectoryName(store)!, "web.token")}}

                """, CancellationToken.None);
            string dir = Path.GetDirectoryName(daemon.StorePath)!;
            string config = Path.Combine(dir, "uncloak.yaml");
            WatchDeadline.Until(() => File.Exists(Path.Combine(dir, "web.token")), TimeSpan.FromSeconds(30), () => "the dashboard's token: " + daemon.LastLog());
            var url = CliRun.Run("web", "url", "--config", config);
            Assert.True(url.ExitCode == 0, url.Error);

            await using var chromium = await NamespacedChromium.LaunchAsync(names.Server, wrapperDir.FullName);
            var context = chromium.Context;

            var overview = await context.NewPageAsync();
            await overview.GotoAsync(url.Output.Trim());
            Assert.Equal(Dashboard + "/", overview.Url);
            await overview.Locator("#overview").WaitForAsync(new() { Timeout = 30_000 });
            var peers = await context.NewPageAsync();
            await peers.GotoAsync(Dashboard + "/peers");
            await peers.Locator("#peer").WaitForAsync(new() { Timeout = 30_000 });
            Assert.Equal(0, await overview.Locator($"#in-force tr.ban[data-target='{attacker}']").CountAsync());

            // The attack, bounded as a matrix cell's: it stops by itself after BanLimit, or when the ban has been seen.
            var limits = new AttackLimits { Duration = BanLimit };
            var holder = Attackers.Create(AttackKind.ZeroWindow);
            var clock = Stopwatch.StartNew();
            attack = Task.Factory.StartNew(() => holder.Run(names, limits, stopAttack.Token), stopAttack.Token, TaskCreationOptions.LongRunning, TaskScheduler.Default);

            // Both pages, opened before the attack, show the ban without a reload.
            float timeout = (float)BanLimit.TotalMilliseconds;
            await overview.Locator($"#in-force tr.ban[data-target='{attacker}']").WaitForAsync(new() { Timeout = timeout });
            var onOverview = clock.Elapsed;
            await peers.Locator($"#peer tr.ban[data-target='{attacker}']").WaitForAsync(new() { Timeout = 30_000 });
            output.WriteLine($"the ban showed on the overview {onOverview.TotalSeconds:0.0} s and on the peers page {clock.Elapsed.TotalSeconds:0.0} s after the attack started");
            Assert.Equal(Dashboard + "/", overview.Url);
            Assert.Equal(Dashboard + "/peers", peers.Url);
            var set = Command.Run("ip", "netns", "exec", names.Server, "nft", "list", "set", "inet", "uncloak", "ban4");
            Assert.Contains(attacker, set, StringComparison.Ordinal);
            await overview.ScreenshotAsync(new() { Path = Path.Combine(shots, "overview-lab-attack.png"), FullPage = true });
            await peers.ScreenshotAsync(new() { Path = Path.Combine(shots, "peers-lab-attack.png"), FullPage = true });

            await stopAttack.CancelAsync();
            var stats = await attack;
            output.WriteLine($"attack: {stats}");
            Assert.True(stats.Established > 0, $"the attack held no connection: {stats}");
            chromium.AssertNoErrors();
            var decisions = await daemon.StopAsync();
            Assert.Contains(decisions, d => d.Action == "ban" && d.Target == attacker);
        }
        finally
        {
            await stopAttack.CancelAsync();
            if (attack is not null)
            {
                await attack.ContinueWith(_ => { }, TaskScheduler.Default);
            }
            LabTopology.Down(names);
            wrapperDir.Delete(recursive: true);
        }
    }
}
