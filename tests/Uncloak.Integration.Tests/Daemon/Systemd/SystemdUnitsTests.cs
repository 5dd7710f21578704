using Uncloak.Linux.Systemd;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Systemd;

/// <summary>
/// The unit-restart remedy's D-Bus client against a real dbus-daemon and a systemd stand-in on it (see
/// <see cref="PrivateSystemBus"/> for what that proves and what it does not). PID 1 here is not systemd, so the real
/// manager cannot be asked.
/// </summary>
public sealed class SystemdUnitsTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [RootFact]
    public async Task A_restart_calls_RestartUnit_with_replace_over_the_bus_and_waits_for_the_jobs_result()
    {
        using var bus = PrivateSystemBus.Start();
        var job = await SystemdUnits.RestartAsync("web.service", Timeout, bus.Address);
        Assert.True(job.Succeeded, job.ToString());
        Assert.Equal("done", job.Result);
        Assert.StartsWith("/org/freedesktop/systemd1/job/", job.Job, StringComparison.Ordinal);
        Assert.Equal(["Subscribe", "RestartUnit web.service replace"], bus.Calls);

        var failed = await SystemdUnits.RestartAsync("broken.service", Timeout, bus.Address);
        Assert.False(failed.Succeeded);
        Assert.Equal("failed", failed.Result);
        Assert.NotEqual(job.Job, failed.Job);
    }

    [RootFact]
    public async Task An_unknown_unit_is_systemds_refusal_with_its_error_name_not_an_unreachable_bus()
    {
        using var bus = PrivateSystemBus.Start();
        var e = await Assert.ThrowsAsync<SystemdBusException>(() => SystemdUnits.RestartAsync("missing.service", Timeout, bus.Address));
        Assert.False(e.Unreachable);
        Assert.Contains("org.freedesktop.systemd1.NoSuchUnit", e.Message, StringComparison.Ordinal);
        Assert.Contains("missing.service", e.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public async Task No_bus_or_no_systemd_on_the_bus_is_reported_as_unreachable_with_the_address()
    {
        var nowhere = "unix:path=" + Path.Combine(Path.GetTempPath(), "uncloak-no-such-bus-" + Guid.NewGuid().ToString("N"));
        var e = await Assert.ThrowsAsync<SystemdBusException>(() => SystemdUnits.RestartAsync("web.service", Timeout, nowhere));
        Assert.True(e.Unreachable);
        Assert.Contains(nowhere, e.Message, StringComparison.Ordinal);

        using var empty = PrivateSystemBus.Start(withSystemd: false);
        var absent = await Assert.ThrowsAsync<SystemdBusException>(() => SystemdUnits.RestartAsync("web.service", Timeout, empty.Address));
        Assert.True(absent.Unreachable, absent.Message);
        Assert.Contains("systemd is not on the bus", absent.Message, StringComparison.Ordinal);
    }

    [RootFact]
    public void The_daemons_restart_unit_remedy_restarts_over_the_system_bus_and_stores_the_jobs_result()
    {
        using var bus = PrivateSystemBus.Start();
        using var lab = NetworkLab.Create();
        var dir = Directory.CreateTempSubdirectory("uncloak-unit-");
        var db = Path.Combine(dir.FullName, "u.db");
        var config = RefusedProbeDaemon.WriteConfig(dir.FullName, db, "web", lab.PeerAddress, "restart_unit: web.service");
        DaemonProcess? daemon = null;
        try
        {
            DaemonProcess.NextEnvironment["DBUS_SYSTEM_BUS_ADDRESS"] = bus.Address;
            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config);
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("remedy probe=web", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the remedy: " + d.Log);
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            Assert.Equal(["Subscribe", "RestartUnit web.service replace"], bus.Calls);
            Assert.DoesNotContain("falling back to systemctl", d.Log, StringComparison.Ordinal);
            Assert.Equal("attempt 1 of 1: restart web.service over D-Bus: job /org/freedesktop/systemd1/job/1 done", RefusedProbeDaemon.RemedyOutcomes(db)[0]);
        }
        finally
        {
            daemon?.Dispose();
            dir.Delete(recursive: true);
        }
    }
}
