using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Uncloak.Integration.Tests.Cli.Commands.Status;

/// <summary>
/// `uncloak status` against a real `uncloak watch` (issue 16, item 1): the control socket is created root-only, answers
/// with sources, scenarios, bans by origin, probes, outages and alerts, survives hostile clients, disappears on SIGTERM,
/// and without a daemon status says so with exit 3.
/// </summary>
public sealed class StatusCommandTests
{
    private static string Shrunk(string peer, int port) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer {peer}:{port}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    private static JsonElement Status(string socket, out int exit)
    {
        var r = CliRun.Run("status", "--control", socket, "--json");
        exit = r.ExitCode;
        Assert.True(r.ExitCode is 0 or 1, r.Error);
        return r.Json;
    }

    private static string Raw(string socket, byte[] request)
    {
        using var s = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        s.Connect(new UnixDomainSocketEndPoint(socket));
        try
        {
            s.Send(request);
        }
        catch (SocketException)
        {
            // The daemon may close on an over-long request before it is all sent; what it answered is still readable.
        }
        s.ReceiveTimeout = 10_000;
        var reply = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int n;
            while ((n = s.Receive(buffer)) > 0)
            {
                reply.Write(buffer, 0, n);
            }
        }
        catch (SocketException)
        {
            // A reset after the answer (unread request bytes left in our send queue): keep what arrived.
        }
        return Encoding.UTF8.GetString(reply.ToArray());
    }

    [Fact]
    public void Status_without_a_daemon_says_so_and_exits_3()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-status-none-");
        var r = CliRun.Run("status", "--control", Path.Combine(dir.FullName, "control.sock"));
        Assert.Equal(3, r.ExitCode);
        Assert.Contains("no uncloak daemon answers", r.Error, StringComparison.Ordinal);
        Assert.Contains("uncloak watch", r.Error, StringComparison.Ordinal);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void Status_reports_the_running_daemon_and_the_socket_is_root_only_hostile_safe_and_removed_on_exit()
    {
        var dir = Directory.CreateTempSubdirectory("uncloak-status-");
        int sitePort = DaemonProcess.FreePort();
        using var site = new LocalSite(sitePort);
        var log = Path.Combine(dir.FullName, "kern.log");
        var db = Path.Combine(dir.FullName, "u.db");
        var socket = Path.Combine(dir.FullName, "run", "control.sock");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(log, "");
        File.WriteAllText(config, $"""
            store: {db}
            firewall: off          # the host's namespace: never touch its firewall
            sources:
              kmsg: false
              sockets: off
              files:
                - {"{"} path: {log}, from_start: true {"}"}
            probes:
              - name: site
                http: http://127.0.0.1:{sitePort}/
                interval: 1s
                timeout: 500ms
                failures: 2
            metrics: off
            control: {socket}
            """);
        using var daemon = DaemonProcess.Start("watch", "--config", config);
        WatchDeadline.Until(() => daemon.Log.Contains("watching", StringComparison.Ordinal) || daemon.HasExited, TimeSpan.FromSeconds(60), () => "the daemon to start: " + daemon.Log);
        Assert.False(daemon.HasExited, daemon.Log);
        Assert.Contains("event_id=6005", daemon.Log, StringComparison.Ordinal);

        // Root-only: the file is a socket with mode 0600.
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));

        // A ban from another origin, in the store the daemon uses (a second writer, as `bans add` would be).
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "INSERT INTO decisions (target, reason, origin, scenario, created_ms, expires_ms, repeat, status) VALUES ('198.18.9.9', 'by hand', 'cli', NULL, $now, $later, 0, 1)";
            cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            cmd.Parameters.AddWithValue("$later", DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
            cmd.ExecuteNonQuery();
        }

        // Six shrunk-window records from one peer: the shipped scenario decides (recorded only, firewall off) and alerts.
        File.AppendAllLines(log, Enumerable.Range(0, 6).Select(i => Shrunk("198.18.3.5", 2000 + i)));
        JsonElement s = default;
        int exit = -1;
        WatchDeadline.Until(() =>
        {
            s = Status(socket, out exit);
            return s.GetProperty("recent_alerts").GetArrayLength() > 0 && s.GetProperty("probes").GetArrayLength() == 1;
        }, TimeSpan.FromSeconds(30), () => "the alert in status: " + daemon.Log);
        Assert.Equal("uncloak.status/1", s.GetProperty("schema").GetString());
        Assert.Equal(daemon.Pid, s.GetProperty("pid").GetInt32());
        Assert.False(string.IsNullOrEmpty(s.GetProperty("version").GetString()));
        Assert.True(s.GetProperty("uptime_seconds").GetInt64() >= 0);
        Assert.EndsWith("Z", s.GetProperty("started").GetString(), StringComparison.Ordinal);
        var source = Assert.Single(s.GetProperty("sources").EnumerateArray());
        Assert.Equal("file:" + log, source.GetProperty("name").GetString());
        Assert.Equal(6, source.GetProperty("events").GetInt64());
        Assert.Equal(0, source.GetProperty("restarts").GetInt64());
        var shrunk = s.GetProperty("scenarios").EnumerateArray().Single(x => x.GetProperty("name").GetString() == "shrunk-window-peers");
        Assert.True(shrunk.GetProperty("events").GetInt64() >= 1);
        Assert.True(shrunk.GetProperty("decisions").GetProperty("ban").GetInt64() >= 1);
        var bans = s.GetProperty("bans_in_force");
        Assert.Equal(1, bans.GetProperty("total").GetInt64());
        var cli = Assert.Single(bans.GetProperty("by_origin").EnumerateArray());
        Assert.Equal("cli", cli.GetProperty("origin").GetString());
        Assert.Equal(JsonValueKind.Null, cli.GetProperty("scenario").ValueKind);
        Assert.True(s.GetProperty("probes")[0].GetProperty("up").GetBoolean());
        Assert.Equal(0, exit);
        Assert.Contains(s.GetProperty("recent_alerts").EnumerateArray(), a => a.GetProperty("title").GetString()!.Contains("198.18.3.5", StringComparison.Ordinal));

        // The terminal view names the same things.
        var text = CliRun.Run("status", "--control", socket);
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("shrunk-window-peers", text.Output, StringComparison.Ordinal);
        Assert.Contains("bans in force: 1", text.Output, StringComparison.Ordinal);
        Assert.Contains("file:" + log, text.Output, StringComparison.Ordinal);

        // Hostile clients: an unknown verb, a megabyte without a newline, a client that sends nothing and stays.
        Assert.Contains("unknown request", Raw(socket, Encoding.UTF8.GetBytes("bogus\n")), StringComparison.Ordinal);
        var big = Raw(socket, new byte[1 << 20]);
        Assert.True(big.Length == 0 || big.Contains("at most 256 bytes", StringComparison.Ordinal), big);
        var silent = new List<Socket>();
        try
        {
            for (int i = 0; i < 20; i++)
            {
                var idle = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                silent.Add(idle);
                idle.Connect(new UnixDomainSocketEndPoint(socket));
            }
            // The idle clients time out (3 s); status answers again after that at the latest.
            WatchDeadline.Until(() => CliRun.Run("status", "--control", socket, "--json").ExitCode == 0, TimeSpan.FromSeconds(20), () => "status after idle clients: " + daemon.Log);
        }
        finally
        {
            silent.ForEach(x => x.Dispose());
        }

        // The probe fails: status shows the open outage and exits 1.
        site.Failing = true;
        WatchDeadline.Until(() => Status(socket, out exit).GetProperty("open_outages").GetArrayLength() == 1, TimeSpan.FromSeconds(30), () => "an open outage: " + daemon.Log);
        s = Status(socket, out exit);
        Assert.Equal(1, exit);
        Assert.Equal("site", s.GetProperty("open_outages")[0].GetProperty("probe").GetString());
        Assert.False(s.GetProperty("probes")[0].GetProperty("up").GetBoolean());

        daemon.Signal(DaemonProcess.SIGTERM);
        Assert.True(daemon.WaitForExit(TimeSpan.FromSeconds(30)), daemon.Log);
        Assert.Equal(0, daemon.ExitCode);
        Assert.False(File.Exists(socket), "the control socket is removed on exit");
        Assert.Equal(3, CliRun.Run("status", "--control", socket).ExitCode);
    }
}
