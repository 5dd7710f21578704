using System.Diagnostics;
using Uncloak.Integration.Tests.Support;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon;

/// <summary>
/// A supervisor's one stop can reach the daemon more than once: coreutils <c>timeout</c> (the lab's wrapper) sends
/// SIGTERM to its child and then to its whole process group. A stop signal that came after the daemon had let go of its
/// signals got the runtime's default action — exit 143 after "stopped", seen once in the lab under CI — so the daemon
/// now holds SIGTERM and SIGINT until its store is closed (<c>StopSignals</c>).
/// </summary>
public sealed class RepeatedStopSignalTests
{
    [Fact]
    public void Stop_signals_that_keep_coming_while_the_daemon_shuts_down_still_end_it_with_exit_0()
    {
        using var daemon = TailingDaemon.Create("uncloak-resignal-", "off");
        var d = daemon.Start(null, "--control", "off");
        daemon.Append(Enumerable.Range(0, 6).Select(i => TailingDaemon.ShrunkLine("198.18.3.9", 3000 + i)));
        // SIGTERM, then again every few milliseconds until the process is gone (bounded: 30 s), so signals land in every
        // part of the shutdown: the drain, the engine's and enforcement's disposal, the store's close.
        var clock = Stopwatch.StartNew();
        int sent = 0;
        while (!d.HasExited && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            try
            {
                d.Signal(DaemonProcess.SIGTERM);
            }
            catch (InvalidOperationException) when (d.HasExited)
            {
                break; // gone between the check and the signal
            }
            sent++;
            Thread.Sleep(3);
        }
        Assert.True(d.WaitForExit(TimeSpan.FromSeconds(5)), d.Log);
        Assert.True(sent > 1, $"only {sent} signal(s) sent: the shutdown was over before a second one");
        Assert.True(d.ExitCode == 0, $"exit {d.ExitCode} after {sent} SIGTERMs: {d.Log}");
        Assert.Contains("stopped", d.Log, StringComparison.Ordinal);
    }
}
