using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Integration.Tests.Support;

/// <summary>
/// Three network namespaces made for one test: a server and two peers (A and B), each peer on its own
/// veth link to the server, with addresses from 198.18.0.0/15 and 2001:2::/48 only. Everything is created
/// inside the namespaces (never in the host's), and torn down in Dispose even when the test failed;
/// leftovers of crashed runs (same prefix) are removed first. The server runs a TCP listener on port 8080.
/// </summary>
public sealed class DefendLab : IDisposable
{
    public const string Prefix = "uc-t-def";
    public const int Port = 8080;

    /// <summary>A listener that keeps every accepted connection open (a server stuck writing to a slow peer).</summary>
    public const int HoldPort = 8081;

    public static readonly IPAddress ServerA = IPAddress.Parse("198.18.1.1");
    public static readonly IPAddress PeerA = IPAddress.Parse("198.18.1.2");
    public static readonly IPAddress ServerB = IPAddress.Parse("198.18.2.1");
    public static readonly IPAddress PeerB = IPAddress.Parse("198.18.2.2");
    public static readonly IPAddress ServerA6 = IPAddress.Parse("2001:2:0:1::1");
    public static readonly IPAddress ServerB6 = IPAddress.Parse("2001:2:0:2::1");

    /// <summary>The peers' IPv6 sources live in their own /64s (routed, as on the internet), not in the link /64 the server also owns.</summary>
    public static readonly IPAddress PeerA6 = IPAddress.Parse("2001:2:0:a1::2");
    public static readonly IPAddress PeerB6 = IPAddress.Parse("2001:2:0:b1::2");

    private readonly List<string> _namespaces = [];
    private readonly List<Socket> _listeners = [];
    private readonly List<Socket> _held = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly string _dir;

    public DefendLab()
    {
        RemoveLeftovers();
        string id = Guid.NewGuid().ToString("N")[..6];
        Server = $"{Prefix}-s-{id}";
        A = $"{Prefix}-a-{id}";
        B = $"{Prefix}-b-{id}";
        _dir = Directory.CreateTempSubdirectory("uncloak-defend-").FullName;
        Db = Path.Combine(_dir, "uncloak.db");
        try
        {
            foreach (var ns in new[] { Server, A, B })
            {
                Shell.Check("ip", "netns", "add", ns);
                _namespaces.Add(ns);
                Shell.Check("ip", "-n", ns, "link", "set", "lo", "up");
                // No duplicate address detection in a lab: a tentative link-local address would stall neighbour discovery for a second.
                Shell.Check("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
            }
            // Peers hold only a /128 on the link, so their IPv6 traffic leaves from their routed /64 (src below).
            Link("sa", A, "pa", "198.18.1.1/24", "198.18.1.2/24", "2001:2:0:1::1/64", "2001:2:0:1::2/128");
            Link("sb", B, "pb", "198.18.2.1/24", "198.18.2.2/24", "2001:2:0:2::1/64", "2001:2:0:2::2/128");
            Shell.Check("ip", "-n", A, "route", "add", "default", "via", "198.18.1.1");
            Shell.Check("ip", "-n", B, "route", "add", "default", "via", "198.18.2.1");
            Shell.Check("ip", "-n", A, "addr", "add", "2001:2:0:a1::2/128", "dev", "lo", "nodad");
            Shell.Check("ip", "-n", B, "addr", "add", "2001:2:0:b1::2/128", "dev", "lo", "nodad");
            Shell.Check("ip", "-n", A, "-6", "route", "add", "2001:2:0:1::1", "dev", "pa", "src", "2001:2:0:a1::2");
            Shell.Check("ip", "-n", B, "-6", "route", "add", "2001:2:0:2::1", "dev", "pb", "src", "2001:2:0:b1::2");
            Shell.Check("ip", "-n", A, "-6", "route", "add", "default", "via", "2001:2:0:1::1", "src", "2001:2:0:a1::2");
            Shell.Check("ip", "-n", B, "-6", "route", "add", "default", "via", "2001:2:0:2::1", "src", "2001:2:0:b1::2");
            Shell.Check("ip", "-n", Server, "-6", "route", "add", "2001:2:0:a1::/64", "via", "2001:2:0:1::2");
            Shell.Check("ip", "-n", Server, "-6", "route", "add", "2001:2:0:b1::/64", "via", "2001:2:0:2::2");
            Listen(AddressFamily.InterNetwork);
            Listen(AddressFamily.InterNetworkV6);
            Listen(AddressFamily.InterNetwork, HoldPort);
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string Server { get; }

    public string A { get; }

    public string B { get; }

    /// <summary>The test's own store.</summary>
    public string Db { get; }

    public string Dir => _dir;

    /// <summary>Runs the uncloak CLI inside <paramref name="ns"/>, as a separate process, like an admin would (<c>ip netns exec NS uncloak …</c>).</summary>
    public Shell.Result Uncloak(string ns, string[] args, IDictionary<string, string>? env = null, byte[]? stdin = null)
    {
        string dll = Path.Combine(AppContext.BaseDirectory, "uncloak.dll");
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } h ? h : "dotnet";
        return Shell.Run(["ip", "netns", "exec", ns, dotnet, dll, .. args], env, stdin);
    }

    /// <summary>Runs nft inside a namespace and returns stdout (fails the test when nft fails).</summary>
    public string Nft(string ns, params string[] args) => Shell.Check(["ip", "netns", "exec", ns, "nft", .. args]).Output;

    /// <summary>
    /// True when a TCP connect from <paramref name="ns"/> to the server's listener completes within <paramref name="timeoutMs"/>.
    /// Checks that expect success keep the generous default (the kernel may still be freeing an earlier test's
    /// namespace with its 100k set elements); checks that expect a drop pass a short timeout.
    /// </summary>
    public bool CanConnect(string ns, IPAddress server, int timeoutMs = 3000, int port = Port)
        => InNamespace(ns, () =>
        {
            using var s = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                var connect = s.ConnectAsync(new IPEndPoint(server, port));
                return connect.Wait(timeoutMs) && s.Connected;
            }
            catch (AggregateException e) when (e.InnerException is SocketException)
            {
                return false; // refused or unreachable: not connected
            }
        });

    /// <summary>True when an ICMP echo from <paramref name="ns"/> gets its reply (raw socket, root).</summary>
    public bool CanPing(string ns, IPAddress server, int timeoutMs = 3000, int size = 32)
        => InNamespace(ns, () =>
        {
            using var ping = new Ping();
            return ping.Send(server, timeoutMs, new byte[size]).Status == IPStatus.Success;
        });

    /// <summary>Runs <paramref name="work"/> on a fresh thread that joined <paramref name="ns"/>; sockets it creates live there.</summary>
    public static T InNamespace<T>(string ns, Func<T> work)
    {
        try
        {
            return NetNamespace.Run(ns, work);
        }
        catch (Exception e) when (e is not InvalidOperationException)
        {
            throw new InvalidOperationException($"work in namespace {ns} failed", e);
        }
    }

    private void Link(string serverSide, string peer, string peerSide, string s4, string p4, string s6, string p6)
    {
        Shell.Check("ip", "-n", Server, "link", "add", serverSide, "type", "veth", "peer", "name", peerSide, "netns", peer);
        Shell.Check("ip", "-n", Server, "addr", "add", s4, "dev", serverSide);
        Shell.Check("ip", "-n", Server, "addr", "add", s6, "dev", serverSide, "nodad");
        Shell.Check("ip", "-n", peer, "addr", "add", p4, "dev", peerSide);
        Shell.Check("ip", "-n", peer, "addr", "add", p6, "dev", peerSide, "nodad");
        Shell.Check("ip", "-n", Server, "link", "set", serverSide, "up");
        Shell.Check("ip", "-n", peer, "link", "set", peerSide, "up");
    }

    /// <summary>Opens a TCP connection from <paramref name="ns"/> to the holding listener and returns the client socket (the caller disposes it).</summary>
    public static Socket Hold(string ns, IPAddress server)
        => InNamespace(ns, () =>
        {
            var s = new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(new IPEndPoint(server, HoldPort));
            return s;
        });

    private void Listen(AddressFamily family, int port = Port)
    {
        bool hold = port == HoldPort;
        var listener = InNamespace(Server, () =>
        {
            var s = new Socket(family, SocketType.Stream, ProtocolType.Tcp);
            if (family == AddressFamily.InterNetworkV6)
            {
                s.DualMode = false;
            }
            s.Bind(new IPEndPoint(family == AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any, port));
            s.Listen(128);
            return s;
        });
        _listeners.Add(listener);
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    var c = await listener.AcceptAsync(_stop.Token);
                    if (hold)
                    {
                        lock (_held)
                        {
                            _held.Add(c);
                        }
                    }
                    else
                    {
                        c.Dispose();
                    }
                }
                catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return; // the lab is being torn down
                }
            }
        });
    }

    /// <summary>Removes namespaces with this lab's prefix left by a crashed run (other engineers' prefixes are left alone).</summary>
    private static void RemoveLeftovers()
    {
        if (!Directory.Exists("/run/netns"))
        {
            return;
        }
        foreach (var path in Directory.GetFiles("/run/netns", Prefix + "-*"))
        {
            var name = Path.GetFileName(path);
            // Only leftovers: a namespace of a lab running right now in another test process is younger than a minute.
            if (File.GetLastWriteTimeUtc(path) < DateTime.UtcNow.AddMinutes(-10))
            {
                Shell.Run(["ip", "netns", "del", name]);
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        foreach (var l in _listeners)
        {
            l.Dispose();
        }
        lock (_held)
        {
            _held.ForEach(h => h.Dispose());
        }
        foreach (var ns in _namespaces)
        {
            Shell.Run(["ip", "netns", "del", ns]);
        }
        _namespaces.Clear();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
            // a process still writing the store (rollback timer); the temp folder is harmless
        }
    }
}
