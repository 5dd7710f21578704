using Xunit;

namespace Uncloak.Integration.Tests.Daemon;

/// <summary>
/// Issue 17 item 4: `watch` with its store on a full disk. The daemon holds its sources, says so (log, metrics), and once
/// space is back stores every event exactly once; the cursor never passes what was not committed.
/// </summary>
public sealed class FullDiskWatchTests
{
    private static string Line(int n) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.{n / 250 % 250}.{n % 250 + 1}:{1024 + n % 60000}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    [RootFact]
    public void A_full_disk_holds_the_sources_loudly_and_loses_no_event_once_space_is_back()
    {
        // 30,000 events with their text take about 10 MB: the disk holds them once the filler is gone.
        using var disk = new TinyDisk(32);
        int metricsPort = DaemonProcess.FreePort();
        using var daemon = TailingDaemon.Create("uncloak-rel-fulldisk-", $"127.0.0.1:{metricsPort}", disk.Dir);
        var d = daemon.Start();
        daemon.Append(Enumerable.Range(0, 200).Select(Line));
        WatchDeadline.Until(() => daemon.Events == 200 || d.HasExited, TimeSpan.FromSeconds(60), () => "200 events stored: " + d.Log);

        disk.Fill();
        const int Total = 30_000;
        daemon.Append(Enumerable.Range(200, Total - 200).Select(Line));
        WatchDeadline.Until(() => DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_store_blocked") == 1 || d.HasExited,
            TimeSpan.FromSeconds(60), () => "the store to block: " + d.Log);
        var blocked = DaemonProcess.Scrape(metricsPort);
        Assert.True(blocked["uncloak_store_write_failures_total"] >= 1);
        Assert.Contains("store write failed", d.Log, StringComparison.Ordinal);
        Assert.False(d.HasExited, d.Log);

        disk.Free();
        WatchDeadline.Until(() => daemon.Count("SELECT count(*) FROM events") == Total || d.HasExited, TimeSpan.FromSeconds(120),
            () => $"all {Total} events stored, have {daemon.Count("SELECT count(*) FROM events")}: {d.Log}");
        // The line is logged after the commit that made the events visible, and stderr reaches us asynchronously.
        WatchDeadline.Until(() => d.Log.Contains("store writable again", StringComparison.Ordinal), TimeSpan.FromSeconds(10),
            () => "the store-writable-again line: " + d.Log);
        WatchDeadline.Until(() => DaemonProcess.Scrape(metricsPort).GetValueOrDefault("uncloak_store_blocked") == 0, TimeSpan.FromSeconds(10),
            () => "uncloak_store_blocked back to 0");
        daemon.StopCleanly();

        Assert.Equal(Total, daemon.Count("SELECT count(*) FROM events"));
        Assert.Equal(Total, daemon.Count("SELECT count(DISTINCT offset) FROM events"));
        Assert.Equal(0, daemon.Count("SELECT gaps FROM watch_cursors"));
        Assert.Equal(new FileInfo(daemon.KernelLog).Length, daemon.Count("SELECT position FROM watch_cursors"));
    }
}
