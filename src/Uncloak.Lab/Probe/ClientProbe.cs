using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Probe;

/// <summary>
/// The legitimate client: from the client namespace, one HTTP/1.0 GET of the small page per interval, each on a new
/// connection and each bounded by a timeout. Requests are started on schedule whether or not earlier ones finished, so a
/// server that hangs costs availability rather than slowing the probe. A request succeeds when a complete 200 response
/// arrives before the timeout.
/// </summary>
public sealed class ClientProbe
{
    private readonly string _namespace;
    private readonly IPEndPoint _server;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;

    public ClientProbe(string clientNamespace, IPEndPoint server, TimeSpan interval, TimeSpan timeout)
    {
        _namespace = clientNamespace;
        _server = server;
        _interval = interval;
        _timeout = timeout;
    }

    /// <summary>Probes for <paramref name="duration"/>; returns every sample in start order (requests in flight at the end are awaited, bounded by the timeout).</summary>
    public async Task<IReadOnlyList<ProbeSample>> RunAsync(TimeSpan duration, CancellationToken cancel)
    {
        var clock = Stopwatch.StartNew();
        var requests = new List<Task<ProbeSample>>();
        for (int i = 0; clock.Elapsed < duration && !cancel.IsCancellationRequested; i++)
        {
            requests.Add(OneAsync(clock.Elapsed));
            var next = _interval * (i + 1) - clock.Elapsed;
            if (next > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(next, cancel);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        return await Task.WhenAll(requests);
    }

    private async Task<ProbeSample> OneAsync(TimeSpan at)
    {
        var clock = Stopwatch.StartNew();
        using var timeout = new CancellationTokenSource(_timeout);
        // socket(2) on a thread inside the client namespace: the socket belongs there from any thread afterwards.
        using var socket = NetNamespace.Run(_namespace, () => new Socket(_server.AddressFamily, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            await socket.ConnectAsync(_server, timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET / HTTP/1.0\r\nHost: {_server.Address}\r\nConnection: close\r\n\r\n"), timeout.Token);
            var buffer = new byte[16 * 1024];
            int total = 0;
            while (true)
            {
                int n = await socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
                if (n == 0)
                {
                    break;
                }
                total += n;
                if (total == buffer.Length)
                {
                    return Fail(at, clock, "response larger than the small page");
                }
            }
            string head = Encoding.ASCII.GetString(buffer, 0, Math.Min(total, 64));
            return head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || head.StartsWith("HTTP/1.0 200", StringComparison.Ordinal)
                ? new ProbeSample(at, true, clock.Elapsed, null)
                : Fail(at, clock, total == 0 ? "closed without a response" : "not a 200 response");
        }
        catch (OperationCanceledException)
        {
            return Fail(at, clock, "timeout");
        }
        catch (SocketException e)
        {
            return Fail(at, clock, e.SocketErrorCode.ToString());
        }
    }

    private static ProbeSample Fail(TimeSpan at, Stopwatch clock, string why) => new(at, false, clock.Elapsed, why);
}
