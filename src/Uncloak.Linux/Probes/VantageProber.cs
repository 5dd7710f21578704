using System.Diagnostics;
using System.Net.Sockets;
using Uncloak.Core.Events;
using Uncloak.Core.Forensics;
using Uncloak.Core.Routing;
using Uncloak.Linux.Routing;

namespace Uncloak.Linux.Probes;

/// <summary>
/// One round of vantage probes beside a service probe: the service on its public address from the host itself
/// (<see cref="Self"/>), each default gateway (an ICMP echo, then its neighbour state over rtnetlink), and targets beyond
/// the gateway (<see cref="Upstream"/>: ICMP echo or TCP connect). Every probe of a round runs at once and is bounded by
/// <see cref="Timeout"/>, so a round takes at most about one timeout.
/// </summary>
public sealed class VantageProber
{
    public VantageProber(VantageTarget? self, bool gateway, IReadOnlyList<VantageTarget> upstream, TimeSpan timeout, TimeProvider? time = null)
    {
        Self = self;
        Gateway = gateway;
        Upstream = upstream;
        Timeout = timeout;
        Time = time ?? TimeProvider.System;
    }

    /// <summary>The service's public address and port, connected to from the host itself; null for none.</summary>
    public VantageTarget? Self { get; }

    /// <summary>Whether each default gateway of the route table is probed.</summary>
    public bool Gateway { get; }

    public IReadOnlyList<VantageTarget> Upstream { get; }

    public TimeSpan Timeout { get; }

    public TimeProvider Time { get; }

    /// <summary>Runs one round; never throws for a failing target (only for cancellation of <paramref name="cancel"/>).</summary>
    public async Task<IReadOnlyList<VantageProbe>> RunAsync(CancellationToken cancel)
    {
        var started = Time.GetUtcNow().UtcDateTime;
        var tasks = new List<Task<VantageProbe>>();
        if (Self is { } self)
        {
            tasks.Add(ProbeAsync(started, Vantage.Self, self, cancel));
        }
        if (Gateway)
        {
            tasks.AddRange(GatewayProbes(started, cancel));
        }
        tasks.AddRange(Upstream.Select(u => ProbeAsync(started, Vantage.Upstream, u, cancel)));
        return await Task.WhenAll(tasks).ConfigureAwait(false);
    }

    private List<Task<VantageProbe>> GatewayProbes(DateTime started, CancellationToken cancel)
    {
        List<RouteEntry> routes;
        try
        {
            using var client = RouteClient.Open();
            routes = client.Routes();
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // Without the route table no gateway is known: recorded as a failed gateway probe, not a crash.
            return [Task.FromResult(new VantageProbe(started, Vantage.Gateway, "-", false, VantageFailure.Error, TimeSpan.Zero))];
        }
        var gateways = routes.Where(r => r.IsDefaultGateway).Select(r => r.Gateway).Distinct().ToList();
        if (gateways.Count == 0)
        {
            return [Task.FromResult(new VantageProbe(started, Vantage.Gateway, "-", false, VantageFailure.NoGateway, TimeSpan.Zero))];
        }
        return [.. gateways.Select(g => GatewayAsync(started, g, cancel))];
    }

    /// <summary>
    /// The echo first, the neighbour state after it: the echo makes the kernel resolve the gateway, so the state read
    /// afterwards is the answer to this round's ARP/ND question, not a leftover from minutes ago. Both sockets are opened
    /// before the first await: a socket belongs to the network namespace of the thread that opens it, and the
    /// continuation may run on any thread.
    /// </summary>
    private async Task<VantageProbe> GatewayAsync(DateTime started, NetAddress gateway, CancellationToken cancel)
    {
        RouteClient? neighbours = null;
        try
        {
            neighbours = RouteClient.Open();
        }
        catch (IOException)
        {
            // No neighbour state this round: the echo's own failure class stands.
        }
        using (neighbours)
        {
            var (failure, latency) = await EchoAsync(gateway, cancel).ConfigureAwait(false);
            if (failure.Length > 0 && neighbours is not null && NeighbourFailure(neighbours, gateway) is { } unresolved)
            {
                failure = unresolved;
            }
            return new VantageProbe(started, Vantage.Gateway, gateway.ToString(), failure.Length == 0, failure, latency);
        }
    }

    /// <summary>FAILED or INCOMPLETE for <paramref name="gateway"/>'s neighbour entry, null when it resolved or is not known.</summary>
    private static string? NeighbourFailure(RouteClient client, NetAddress gateway)
    {
        try
        {
            var entry = client.Neighbours().Where(n => n.Address == gateway).Select(n => (NeighbourRecord?)n).FirstOrDefault();
            return entry is { Unresolved: true } e
                ? (e.State & NeighbourStates.NUD_FAILED) != 0 ? VantageFailure.NeighbourFailed : VantageFailure.NeighbourIncomplete
                : null;
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            return null; // the echo's own failure class stands
        }
    }

    private async Task<VantageProbe> ProbeAsync(DateTime started, Vantage vantage, VantageTarget target, CancellationToken cancel)
    {
        var (failure, latency) = target.IsIcmp
            ? await EchoAsync(target.Address, cancel).ConfigureAwait(false)
            : await ConnectAsync(target, cancel).ConfigureAwait(false);
        return new VantageProbe(started, vantage, target.ToString(), failure.Length == 0, failure, latency);
    }

    private async Task<(string, TimeSpan)> EchoAsync(NetAddress address, CancellationToken cancel)
    {
        try
        {
            return await IcmpPinger.EchoAsync(address, Timeout, cancel).ConfigureAwait(false);
        }
        catch (SocketException)
        {
            // Neither a ping socket nor a raw one may be opened (not root, ping_group_range excludes us).
            return (VantageFailure.Error, TimeSpan.Zero);
        }
    }

    private async Task<(string, TimeSpan)> ConnectAsync(VantageTarget target, CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        cts.CancelAfter(Timeout);
        try
        {
            using var socket = new Socket(target.Address.Family, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(target.Address.ToIPAddress(), target.Port, cts.Token).ConfigureAwait(false);
            return ("", sw.Elapsed);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (VantageFailure.Timeout, sw.Elapsed);
        }
        catch (SocketException e)
        {
            return (e.SocketErrorCode switch
            {
                SocketError.ConnectionRefused => VantageFailure.Refused,
                SocketError.ConnectionReset => VantageFailure.Reset,
                SocketError.TimedOut => VantageFailure.Timeout,
                SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => VantageFailure.Unreachable,
                _ => VantageFailure.Error,
            }, sw.Elapsed);
        }
    }
}
