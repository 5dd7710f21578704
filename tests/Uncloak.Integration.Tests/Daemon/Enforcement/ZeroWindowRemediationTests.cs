using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using Xunit;

namespace Uncloak.Integration.Tests.Daemon.Enforcement;

/// <summary>
/// Issue 5's scenario end to end: a victim web server in one namespace, an attacker in another that opens connections and
/// never reads; `uncloak watch`, started as a process inside the victim's namespace, sees the zero-window holder in the
/// socket table, decides within 30 s, bans it (the nftables set of the victim's namespace holds it), kills its sockets,
/// and its probe records the outage and then the recovery.
/// </summary>
public sealed class ZeroWindowRemediationTests
{
    private const int Port = 8080;

    private static long Count(string db, string sql)
    {
        using var c = new SqliteConnection($"Data Source={db};Mode=ReadOnly;Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [RootFact]
    public void A_zero_window_holder_is_detected_its_sockets_killed_and_the_site_recovers()
    {
        using var lab = NetworkLab.Create();
        var dir = Directory.CreateTempSubdirectory("uncloak-zw-");
        var db = Path.Combine(dir.FullName, "u.db");
        var config = Path.Combine(dir.FullName, "uncloak.yaml");
        File.WriteAllText(config, $"""
            store: {db}
            sources:
              kmsg: false
              sockets: {"{"} interval: 1s, counters: false {"}"}
            probes:
              - name: site
                http: http://{lab.ServerAddress}:{Port}/health
                interval: 1s
                timeout: 700ms
                failures: 2
            metrics: off
            """);
        var clients = new List<Socket>();
        DaemonProcess? daemon = null;
        try
        {
            using var victim = new VictimServer(lab.InServer(() => VictimServer.Listen(lab.ServerAddress, Port)), workers: 2);
            daemon = DaemonProcess.StartIn(lab.Server, "watch", "--config", config);
            var d = daemon;
            WatchDeadline.Until(() => d.Log.Contains("watching", StringComparison.Ordinal) || d.HasExited, TimeSpan.FromSeconds(60), () => "the daemon: " + d.Log);
            WatchDeadline.Until(() => Count(db, "SELECT count(*) FROM outages") == 0 && d.Log.Contains("source name=host-signals", StringComparison.Ordinal), TimeSpan.FromSeconds(10), () => "a healthy start: " + d.Log);

            // The attack: two connections that ask for the big page and never read, taking both workers.
            var started = DateTime.UtcNow;
            for (int i = 0; i < 2; i++)
            {
                var c = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 });
                clients.Add(c);
                c.Connect(new IPEndPoint(lab.ServerAddress, Port));
                c.Send("GET /big HTTP/1.0\r\n\r\n"u8);
            }
            string peer = lab.PeerAddress.ToString();
            WatchDeadline.Until(() => Count(db, $"SELECT count(*) FROM watch_actions WHERE action = 'kill_sockets' AND target = '{peer}'") > 0,
                TimeSpan.FromSeconds(30), () => "the kill decision: " + d.Log);
            var decidedIn = DateTime.UtcNow - started;
            Assert.True(decidedIn < TimeSpan.FromSeconds(30), $"decided after {decidedIn}");
            Assert.Equal(1, Count(db, $"SELECT count(*) FROM watch_actions WHERE action = 'kill_sockets' AND target = '{peer}' AND outcome LIKE 'killed %' AND outcome NOT LIKE 'killed 0 %'"));
            Assert.Equal(1, Count(db, $"SELECT count(*) FROM watch_actions WHERE action = 'ban' AND target = '{peer}' AND scenario = 'zero-window-holders' AND outcome LIKE 'banned for 1h in %'"));
            // The kernel holds the ban: the set of the victim's namespace has the peer, and the decision is stored.
            var set = Command.Run("ip", "netns", "exec", lab.Server, "nft", "-j", "list", "set", "inet", "uncloak", "ban4");
            Assert.Contains($"\"{peer}\"", set, StringComparison.Ordinal);
            Assert.Equal(1, Count(db, $"SELECT count(*) FROM decisions WHERE target = '{peer}' AND status = 1 AND origin = 'watch' AND scenario = 'zero-window-holders'"));
            // Issue 16, item 2: the decision links to the stored event that triggered it (the peer's zero-window hold).
            Assert.Equal(1, Count(db, $"SELECT count(*) FROM decisions AS d JOIN events AS e ON e.source_id = d.evidence_source AND e.offset = d.evidence_offset " +
                $"WHERE d.target = '{peer}' AND d.origin = 'watch' AND e.kind = {(int)Uncloak.Core.Events.EventKind.ZeroWindowHold} AND d.evidence_events >= 1"));
            // And the peer can no longer connect: its SYN is dropped (bounded: one connect, 2 s).
            using (var again = lab.InPeer(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)))
            {
                var connect = again.ConnectAsync(new IPEndPoint(lab.ServerAddress, Port));
                Assert.False(connect.Wait(TimeSpan.FromSeconds(2)) && again.Connected, "the banned peer could still connect");
            }

            // With the holders' sockets destroyed the workers are free: the probe passes again and any outage is closed.
            WatchDeadline.Until(() => Count(db, "SELECT count(*) FROM outages WHERE end_ms IS NULL") == 0 && d.Log.Contains("decision", StringComparison.Ordinal),
                TimeSpan.FromSeconds(30), () => "the recovery: " + d.Log);
            d.Signal(DaemonProcess.SIGTERM);
            Assert.True(d.WaitForExit(TimeSpan.FromSeconds(30)), d.Log);
            Assert.Equal(0, d.ExitCode);
            Assert.Equal(0, Count(db, "SELECT count(*) FROM outages WHERE end_ms IS NULL"));
            // The holders did take the site down (both workers held), and the outage ended after the kill.
            Assert.True(Count(db, "SELECT count(*) FROM outages WHERE probe = 'site' AND end_ms > start_ms") >= 1, d.Log);
            Assert.True(Count(db, $"SELECT count(*) FROM outages o JOIN watch_actions a ON a.action = 'kill_sockets' WHERE o.end_ms >= a.time_ms - 2000") >= 1, d.Log);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
            daemon?.Dispose();
            dir.Delete(recursive: true);
        }
    }
}
