using System.Diagnostics;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Enforcement;

/// <summary>
/// Issue 16, item 4: bans survive a firewall reload underneath the daemon. A ban is in the store and the kernel; then
/// <c>nft flush ruleset</c> (what a restart of nftables.service does first) takes Uncloak's table away in the daemon's
/// namespace, and the daemon — told by the kernel's nftables notifications, not by polling — restores it within seconds.
/// </summary>
public sealed class FirewallReloadTests
{
    private const string Banned = "198.18.77.7";

    [RootFact]
    public void A_flushed_ruleset_is_restored_with_the_stores_bans_within_seconds_every_time()
    {
        using var lab = NetworkLab.Create();
        var dir = Directory.CreateTempSubdirectory("uncloak-reload-");
        var db = Path.Combine(dir.FullName, "u.db");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(config, $$"""
            store: {{db}}
            sources: { kmsg: false, sockets: off }
            metrics: off
            firewall: nftables
            """);
        DaemonProcess? daemon = null;
        try
        {
            InServer(lab, "dotnet", Path.Combine(AppContext.BaseDirectory, "uncloak.dll"), "bans", "add", Banned, "--for", "1h", "--db", db, "--backend", "nftables");
            Assert.True(HoldsBan(lab), "bans add did not put the ban into the kernel");

            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config);
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + d.Log);
            Assert.False(d.HasExited, d.Log);

            for (int round = 1; round <= 2; round++)
            {
                InServer(lab, "nft", "flush", "ruleset");
                Assert.False(HoldsBan(lab), "nft flush ruleset left the ban table in place");
                var clock = Stopwatch.StartNew();
                WatchDeadline.Until(() => HoldsBan(lab) || d.HasExited, TimeSpan.FromSeconds(10), () => $"round {round}: the daemon to restore the ban table: " + d.Log);
                Assert.False(d.HasExited, d.Log);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"round {round}: restored after {clock.Elapsed.TotalSeconds:0.0} s");
            }
            Assert.Contains("ban table restored after it was deleted underneath: 1 restored", d.Log, StringComparison.Ordinal);
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

    private static bool HoldsBan(NetworkLab lab)
        => Command.Run("ip", check: false, "netns", "exec", lab.Server, "nft", "list", "set", "inet", "uncloak", "ban4").Contains(Banned, StringComparison.Ordinal);

    private static void InServer(NetworkLab lab, params string[] command) => Command.Run("ip", ["netns", "exec", lab.Server, .. command]);
}
