using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Uncloak.Web;
using Xunit;

namespace Uncloak.Integration.Tests.Web;

/// <summary>
/// The metrics listener (Kestrel, Uncloak.Web) as a hostile or careless peer meets it, against the real daemon on loopback
/// (issue 17 item 3): half-sent requests and 1 MB request lines neither grow the daemon's memory nor take its file
/// descriptors nor stop its events; every bind form the docs name works; only GET and HEAD are served.
/// </summary>
public sealed class MetricsListenerTests
{
    private static string Shrunk(int i) =>
        $"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ss.ffffff}+00:00 web1 kernel: TCP: Peer 198.18.{40 + i / 250}.{1 + i % 250}:{2000 + i}/443 unexpectedly shrunk window 2238402976:2238405685 (repaired)";

    /// <summary>One raw HTTP/1.1 exchange; returns the status line.</summary>
    private static string Exchange(IPAddress address, int port, string request)
    {
        using var client = new TcpClient(address.AddressFamily);
        client.ReceiveTimeout = 5000;
        client.Connect(address, port);
        var stream = client.GetStream();
        stream.Write(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        return reader.ReadLine() ?? "";
    }

    private static long RssKiB(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
            }
        }
        throw new InvalidOperationException("no VmRSS");
    }

    private static bool Scrapes(int port)
    {
        try
        {
            return DaemonProcess.Scrape(port).Count > 0;
        }
        catch (HttpRequestException)
        {
            return false; // still over the connection cap: the held sockets close as their header timeout passes
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    [Fact]
    public void Any_address_and_localhost_host_header_serve_and_other_methods_than_get_are_refused()
    {
        int port = DaemonProcess.FreePort();
        using var tailing = TailingDaemon.Create("uncloak-listener-", $"0.0.0.0:{port}");
        tailing.Start();
        Assert.StartsWith("HTTP/1.1 200", Exchange(IPAddress.Loopback, port, $"GET /metrics HTTP/1.1\r\nHost: localhost:{port}\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", Exchange(IPAddress.Loopback, port, "HEAD /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405", Exchange(IPAddress.Loopback, port, "POST /metrics HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 405", Exchange(IPAddress.Loopback, port, "DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 404", Exchange(IPAddress.Loopback, port, "GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        tailing.StopCleanly();

        if (Socket.OSSupportsIPv6)
        {
            int port6 = DaemonProcess.FreePort();
            var daemon = tailing.Start(null, "--metrics", $"[::1]:{port6}");
            Assert.Contains($"address=http://[::1]:{port6}/metrics", daemon.Log, StringComparison.Ordinal);
            Assert.StartsWith("HTTP/1.1 200", Exchange(IPAddress.IPv6Loopback, port6, $"GET /healthz HTTP/1.1\r\nHost: [::1]:{port6}\r\nConnection: close\r\n\r\n"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hostile_connections_neither_bloat_the_daemon_nor_take_its_descriptors_nor_stop_its_events()
    {
        int port = DaemonProcess.FreePort();
        using var tailing = TailingDaemon.Create("uncloak-listener-", $"127.0.0.1:{port}");
        var held = new List<Socket>();
        try
        {
            var daemon = tailing.Start();
            int pid = daemon.Pid;
            tailing.Append(Enumerable.Range(0, 100).Select(Shrunk));
            WatchDeadline.Until(() => tailing.Events == 100, TimeSpan.FromSeconds(30), () => "the first 100 events");
            long rssBefore = RssKiB(pid);
            int fdsBefore = Directory.GetFiles($"/proc/{pid}/fd").Length;

            // 1,500 requests that never finish their headers, held open.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var partial = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "u8.ToArray();
            for (int i = 0; i < 1500 && !deadline.IsCancellationRequested; i++)
            {
                var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(s);
                try
                {
                    using var each = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
                    each.CancelAfter(TimeSpan.FromSeconds(2));
                    await s.ConnectAsync(IPAddress.Loopback, port, each.Token);
                    s.Send(partial, SocketFlags.None, out _);
                }
                catch (Exception e) when (e is SocketException or OperationCanceledException)
                {
                    // The listen backlog is full or the server closed an over-cap connection: the test wants exactly that.
                }
            }

            // Twenty 1 MB request lines, each written until the server stops reading (it refuses after 2 KiB).
            var chunk = Encoding.ASCII.GetBytes("GET /" + new string('a', 64 * 1024 - 5));
            for (int i = 0; i < 20; i++)
            {
                using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { SendTimeout = 2000 };
                try
                {
                    s.Connect(IPAddress.Loopback, port);
                    for (int k = 0; k < 16; k++)
                    {
                        s.Send(chunk);
                    }
                }
                catch (SocketException)
                {
                    // Reset, refused or the send timed out: the server would not take the megabyte.
                }
            }

            // While all of that is open, events keep flowing into the store.
            tailing.Append(Enumerable.Range(100, 1000).Select(Shrunk));
            WatchDeadline.Until(() => tailing.Events == 1100, TimeSpan.FromSeconds(30), () => "1,000 more events while the listener is under attack: " + daemon.Log);
            long rssAfter = RssKiB(pid);
            int fdsAfter = Directory.GetFiles($"/proc/{pid}/fd").Length;
            Assert.False(daemon.HasExited, daemon.Log);
            Assert.True(fdsAfter <= fdsBefore + MetricsLimits.MaxConnections + 16, $"descriptors {fdsBefore} -> {fdsAfter} with {held.Count} hostile connections");
            Assert.True(rssAfter - rssBefore < 64 * 1024, $"RSS {rssBefore} kB -> {rssAfter} kB");

            // The held connections are dropped once their headers time out; a scrape is answered again.
            foreach (var s in held)
            {
                s.Dispose();
            }
            held.Clear();
            WatchDeadline.Until(() => Scrapes(port), TimeSpan.FromSeconds(30), () => "a scrape after the attack");
            tailing.StopCleanly();
        }
        finally
        {
            foreach (var s in held)
            {
                s.Dispose();
            }
        }
    }
}
