using System.Diagnostics;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// A real <c>dbus-daemon</c> on a socket in a temp folder (never the host's bus), and on it a stand-in for systemd's
/// Manager object written with python3-dbus (libdbus, the reference implementation — not our library): it owns
/// <c>org.freedesktop.systemd1</c>, answers <c>Subscribe()</c> and <c>RestartUnit(s name, s mode) → o job</c> as systemd
/// documents them (org.freedesktop.systemd1(5)), replies <c>org.freedesktop.systemd1.NoSuchUnit</c> for an unknown unit,
/// and emits <c>JobRemoved(u id, o job, s unit, s result)</c> after its reply: "failed" for <c>broken.service</c>, else
/// "done". Every call is appended to <see cref="Calls"/>. This proves our D-Bus client talks to a real bus and matches
/// systemd's interface by name and signature; it does not prove what a real systemd does with the job.
/// </summary>
internal sealed class PrivateSystemBus : IDisposable
{
    private const string Peer = """
        import sys, dbus, dbus.service, dbus.mainloop.glib
        from gi.repository import GLib
        dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
        address, calls = sys.argv[1], sys.argv[2]
        bus = dbus.bus.BusConnection(address)
        name = dbus.service.BusName("org.freedesktop.systemd1", bus)
        IFACE = "org.freedesktop.systemd1.Manager"

        class NoSuchUnit(dbus.DBusException):
            _dbus_error_name = "org.freedesktop.systemd1.NoSuchUnit"

        class Manager(dbus.service.Object):
            jobs = 0
            def log(self, line):
                with open(calls, "a") as f:
                    f.write(line + "\n")
            @dbus.service.method(IFACE, in_signature="", out_signature="")
            def Subscribe(self):
                self.log("Subscribe")
            @dbus.service.method(IFACE, in_signature="ss", out_signature="o")
            def RestartUnit(self, unit, mode):
                self.log("RestartUnit %s %s" % (unit, mode))
                if unit == "missing.service":
                    raise NoSuchUnit("Unit %s not found." % unit)
                Manager.jobs += 1
                job = dbus.ObjectPath("/org/freedesktop/systemd1/job/%d" % Manager.jobs)
                result = "failed" if unit == "broken.service" else "done"
                GLib.timeout_add(50, lambda: (self.JobRemoved(dbus.UInt32(Manager.jobs), job, unit, result), False)[1])
                return job
            @dbus.service.signal(IFACE, signature="uoss")
            def JobRemoved(self, id, job, unit, result):
                pass

        Manager(bus, "/org/freedesktop/systemd1")
        print("ready", flush=True)
        GLib.MainLoop().run()
        """;

    private readonly DirectoryInfo _dir;
    private readonly Process _daemon;
    private readonly Process? _peer;

    private PrivateSystemBus(DirectoryInfo dir, Process daemon, Process? peer, string address)
    {
        _dir = dir;
        _daemon = daemon;
        _peer = peer;
        Address = address;
    }

    /// <summary>The bus address, as DBUS_SYSTEM_BUS_ADDRESS would hold it.</summary>
    public string Address { get; }

    public string CallsFile => Path.Combine(_dir.FullName, "calls");

    public IReadOnlyList<string> Calls => File.Exists(CallsFile) ? File.ReadAllLines(CallsFile) : [];

    /// <summary>Starts the bus, and the systemd stand-in on it unless <paramref name="withSystemd"/> is false; waits (bounded) until both are ready.</summary>
    public static PrivateSystemBus Start(bool withSystemd = true)
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-dbus-");
        string socket = Path.Combine(dir.FullName, "system_bus_socket");
        string config = Path.Combine(dir.FullName, "bus.conf");
        File.WriteAllText(config, $"""
            <!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN" "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
            <busconfig>
              <listen>unix:path={socket}</listen>
              <auth>EXTERNAL</auth>
              <policy context="default">
                <allow user="*"/>
                <allow own="*"/>
                <allow send_destination="*"/>
                <allow receive_sender="*"/>
              </policy>
            </busconfig>
            """);
        Process? daemon = null, peer = null;
        try
        {
            daemon = Start("dbus-daemon", "--nofork", "--nopidfile", "--config-file=" + config, "--print-address");
            string address = ReadLine(daemon, "dbus-daemon's address").Trim();
            if (withSystemd)
            {
                File.WriteAllText(Path.Combine(dir.FullName, "peer.py"), Peer);
                // /usr/bin/python3: Debian's interpreter, which sees the python3-dbus and python3-gi packages.
                peer = Start("/usr/bin/python3", Path.Combine(dir.FullName, "peer.py"), address, Path.Combine(dir.FullName, "calls"));
                var ready = ReadLine(peer, "the systemd stand-in");
                if (ready != "ready")
                {
                    throw new InvalidOperationException("the systemd stand-in did not start: " + ready + peer.StandardError.ReadToEnd());
                }
            }
            return new PrivateSystemBus(dir, daemon, peer, address);
        }
        catch
        {
            Stop(peer);
            Stop(daemon);
            dir.Delete(recursive: true);
            throw;
        }
    }

    private static Process Start(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        return Process.Start(psi)!;
    }

    private static string ReadLine(Process p, string what)
    {
        var line = p.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromSeconds(20)) || line.Result is null)
        {
            throw new TimeoutException($"{what} printed nothing within 20 s (exited: {p.HasExited})");
        }
        return line.Result;
    }

    private static void Stop(Process? p)
    {
        if (p is null)
        {
            return;
        }
        if (!p.HasExited)
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit(TimeSpan.FromSeconds(10));
        }
        p.Dispose();
    }

    public void Dispose()
    {
        Stop(_peer);
        Stop(_daemon);
        _dir.Delete(recursive: true);
    }
}
