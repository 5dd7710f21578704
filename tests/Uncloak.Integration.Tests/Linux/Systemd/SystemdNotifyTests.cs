using System.Net.Sockets;
using System.Text;
using Xunit;

namespace Uncloak.Integration.Tests.Linux.Systemd;

/// <summary>
/// Type=notify without systemd: the test plays systemd's side of sd_notify (a datagram socket named in NOTIFY_SOCKET,
/// WATCHDOG_USEC set) and checks the daemon says READY=1 once started, pings WATCHDOG=1 from its engine loop, reports
/// RELOADING=1/READY=1 around a SIGHUP and STOPPING=1 on SIGTERM.
/// </summary>
public sealed class SystemdNotifyTests
{
    [Fact]
    public void The_daemon_speaks_sd_notify_ready_watchdog_reload_and_stopping()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-notify-");
        var socketPath = Path.Combine(dir.FullName, "notify");
        using var systemd = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        systemd.Bind(new UnixDomainSocketEndPoint(socketPath));
        systemd.ReceiveTimeout = 500;
        var messages = new List<string>();
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(config, $"store: {Path.Combine(dir.FullName, "u.db")}\nsources: {{ kmsg: false, sockets: off }}\nmetrics: off\nfirewall: off\n");
        DaemonProcess.NextEnvironment["NOTIFY_SOCKET"] = socketPath;
        DaemonProcess.NextEnvironment["WATCHDOG_USEC"] = "3000000";
        using var daemon = DaemonProcess.Start("watch", "--config", config);
        try
        {
            var buffer = new byte[4096];
            void Receive()
            {
                try
                {
                    int n = systemd.Receive(buffer);
                    messages.Add(Encoding.UTF8.GetString(buffer, 0, n));
                }
                catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
                {
                    // nothing this half second; the deadline below bounds the wait
                }
            }
            WatchDeadline.Until(() => { Receive(); return messages.Any(m => m.StartsWith("READY=1", StringComparison.Ordinal)); }, TimeSpan.FromSeconds(60), () => "READY=1: " + daemon.Log);
            Assert.Contains(messages, m => m.Contains("STATUS=watching", StringComparison.Ordinal));
            WatchDeadline.Until(() => { Receive(); return messages.Count(m => m == "WATCHDOG=1") >= 2; }, TimeSpan.FromSeconds(10), () => "two watchdog pings");
            daemon.Signal(DaemonProcess.SIGHUP);
            WatchDeadline.Until(() => { Receive(); return messages.Contains("RELOADING=1"); }, TimeSpan.FromSeconds(10), () => "RELOADING=1");
            daemon.Signal(DaemonProcess.SIGTERM);
            WatchDeadline.Until(() => { Receive(); return messages.Contains("STOPPING=1"); }, TimeSpan.FromSeconds(10), () => "STOPPING=1");
            Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.Log);
            Assert.Equal(0, daemon.ExitCode);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
