using System.Net;
using System.Net.Sockets;
using Uncloak.Linux.Namespaces;

namespace Uncloak.Lab.Topology;

/// <summary>
/// A relay in the client's namespace, beyond the router: a connection to <see cref="Endpoint"/> is passed on to the victim
/// (<see cref="LabNames.ServerAddress"/>:<see cref="LabNames.HttpPort"/>) from the client's side. The daemon's service probe
/// asks through it, so its round trip crosses the server's link, the gateway and the upstream link as a client's request
/// does: the outage is seen from outside, as an external monitor sees it, although the probe runs on the server. A fault
/// anywhere on that path (or in the victim) makes the relayed request fail; the relay then closes the probe's connection.
/// Every relayed connection lasts <see cref="ConnectionLimit"/> at most; everything stops on dispose.
/// </summary>
public sealed class OutsideMonitor : IAsyncDisposable
{
    /// <summary>Where the relay listens: the client's address, the victim's port.</summary>
    public static readonly IPEndPoint Endpoint = new(LabNames.ClientAddress, LabNames.HttpPort);

    /// <summary>The longest a relayed connection may live: a probe's request takes a fraction of a second.</summary>
    public static readonly TimeSpan ConnectionLimit = TimeSpan.FromSeconds(10);

    private readonly string _namespace;
    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;

    private OutsideMonitor(string ns, Socket listener)
    {
        _namespace = ns;
        _listener = listener;
        _accepting = AcceptAsync(_stop.Token);
    }

    /// <summary>Starts the relay in <paramref name="names"/>' client namespace.</summary>
    public static OutsideMonitor Start(LabNames names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var listener = NetNamespace.Run(names.Client, () =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Bind(Endpoint);
                s.Listen(64);
                return s;
            }
            catch
            {
                s.Dispose();
                throw;
            }
        });
        return new OutsideMonitor(names.Client, listener);
    }

    private async Task AcceptAsync(CancellationToken stop)
    {
        var relays = new List<Task>();
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var inbound = await _listener.AcceptAsync(stop).ConfigureAwait(false);
                relays.RemoveAll(t => t.IsCompleted);
                relays.Add(RelayAsync(inbound, stop));
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped by dispose: the listener is closed.
        }
        await Task.WhenAll(relays).ConfigureAwait(false);
    }

    private async Task RelayAsync(Socket inbound, CancellationToken stop)
    {
        // The outbound socket is made in the client's namespace, so its connection leaves from the client's side.
        using var outbound = NetNamespace.Run(_namespace, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(ConnectionLimit);
        try
        {
            using (inbound)
            {
                await outbound.ConnectAsync(new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort), limit.Token).ConfigureAwait(false);
                await using var a = new NetworkStream(inbound, ownsSocket: false);
                await using var b = new NetworkStream(outbound, ownsSocket: false);
                await Task.WhenAll(PumpAsync(a, b, outbound, limit.Token), PumpAsync(b, a, inbound, limit.Token)).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
        {
            // The path or the victim failed (or the limit ran out): closing the probe's connection is how it learns.
        }
    }

    /// <summary>Copies until <paramref name="from"/> ends, then passes the end on (half-close), as a TCP proxy does.</summary>
    private static async Task PumpAsync(NetworkStream from, NetworkStream to, Socket toSocket, CancellationToken cancel)
    {
        await from.CopyToAsync(to, cancel).ConfigureAwait(false);
        toSocket.Shutdown(SocketShutdown.Send);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        _listener.Dispose();
        await _accepting.ConfigureAwait(false);
        _stop.Dispose();
    }
}
