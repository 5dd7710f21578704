using System.Diagnostics;
using System.Net;
using Uncloak.Core.Forensics;
using Uncloak.Lab.Faults;
using Uncloak.Lab.Probe;
using Uncloak.Lab.Topology;
using Uncloak.Lab.Victim;
using Uncloak.Linux.Namespaces;
using Uncloak.Linux.Probes;
using Xunit;

namespace Uncloak.Integration.Tests.Lab;

/// <summary>
/// Issue 12, item 7: each lab fault, made on the router topology, takes the service away from the client beyond the
/// router while it lasts, shows in the server's vantage probes as what it is, and is undone: the client is served again
/// after it. Each test builds its own lab and removes it, also when it fails.
/// </summary>
public sealed class LabFaultTests
{
    private static readonly TimeSpan Baseline = TimeSpan.FromSeconds(2), Hold = TimeSpan.FromSeconds(5), Tail = TimeSpan.FromSeconds(6);

    /// <summary>How long one client request may take; a request counts for the fault only if all of it fell inside the fault.</summary>
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(1);

    // DuringSamples: the requests of the "during" window, for the failure message (start, outcome, latency).
    private sealed record Observed(double Before, double During, double After, IReadOnlyDictionary<Vantage, VantageProbe> Vantage, string DuringSamples);

    /// <summary>
    /// Availability before, during and after (from 3 s after the undo) the fault, and one vantage round made during it.
    /// "During" holds the requests that started 1 s or more into the fault and whose whole timeout ended before the undo
    /// began: a request started in the fault's last second may be sent, or answered, after the link is back (under CI
    /// load a request's connect can trail its scheduled start by hundreds of ms), and then it measures the recovery.
    /// </summary>
    private static async Task<Observed> Disrupt(FaultKind kind)
    {
        var names = LabPrefix.ForThisRun();
        LabTopology.Up(names);
        try
        {
            await using var victim = await KestrelVictim.StartAsync(names.Server, 16, CancellationToken.None);
            var probe = new ClientProbe(names.Client, new IPEndPoint(LabNames.ServerAddress, LabNames.HttpPort), TimeSpan.FromMilliseconds(100), RequestTimeout);
            var clock = Stopwatch.StartNew();
            var probing = probe.RunAsync(Baseline + Hold + Tail, CancellationToken.None);
            await Task.Delay(Baseline);
            var fault = LabFaults.Create(kind);
            TimeSpan from, to;
            IReadOnlyList<VantageProbe> round;
            try
            {
                fault.Apply(names, CancellationToken.None);
                from = clock.Elapsed;
                var prober = new VantageProber(null, gateway: true, [new VantageTarget(Uncloak.Core.Events.NetAddress.FromIPAddress(LabNames.ClientAddress), 0)], TimeSpan.FromSeconds(1));
                round = await NetNamespace.Run(names.Server, () => prober.RunAsync(CancellationToken.None));
                var left = Hold - (clock.Elapsed - from);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left);
                }
            }
            finally
            {
                // The fault's end is when its undo starts: under load the undo's commands take seconds, and the client is
                // served again part-way through them.
                to = clock.Elapsed;
                fault.Undo(names);
            }
            var samples = await probing;
            double Ratio(TimeSpan a, TimeSpan b)
            {
                var inside = samples.Where(s => s.At >= a && s.At < b).ToList();
                Assert.True(inside.Count >= 5, $"too few probe samples between {a.TotalSeconds:0.0} s and {b.TotalSeconds:0.0} s ({inside.Count})");
                return (double)inside.Count(s => s.Ok) / inside.Count;
            }
            var (duringFrom, duringTo) = (from + TimeSpan.FromSeconds(1), to - RequestTimeout);
            string detail = $"fault {from.TotalSeconds:0.00}–{to.TotalSeconds:0.00} s; " + string.Join(", ", samples
                .Where(s => s.At >= duringFrom && s.At < duringTo)
                .Select(s => FormattableString.Invariant($"{s.At.TotalSeconds:0.00}:{(s.Ok ? "ok" : s.Failure)}/{s.Latency.TotalMilliseconds:0}ms")));
            return new Observed(Ratio(TimeSpan.Zero, Baseline), Ratio(duringFrom, duringTo), Ratio(to + TimeSpan.FromSeconds(3), Baseline + Hold + Tail),
                // The IPv4 side: the server has an IPv6 default gateway too, probed beside it.
                round.Where(p => !p.Target.Contains(':', StringComparison.Ordinal)).ToDictionary(p => p.Vantage), detail);
        }
        finally
        {
            LabTopology.Down(names);
        }
    }

    private static void AssertDisrupted(Observed o, double during = 0.2)
    {
        Assert.True(o.Before >= 0.9, $"the client was not served before the fault ({o.Before:P0})");
        Assert.True(o.During <= during, $"the client was still served during the fault ({o.During:P0}): {o.DuringSamples}");
        Assert.True(o.After >= 0.9, $"the client was not served again after the fault was undone ({o.After:P0})");
    }

    [RootFact]
    public async Task A_gateway_blackhole_cuts_the_client_off_and_the_gateway_stops_answering_the_server()
    {
        var o = await Disrupt(FaultKind.GatewayBlackhole);
        AssertDisrupted(o);
        Assert.Equal(VantageFailure.Timeout, o.Vantage[Vantage.Gateway].Failure);
        Assert.False(o.Vantage[Vantage.Upstream].Ok);
    }

    [RootFact]
    public async Task An_upstream_cut_leaves_the_gateway_answering_and_nothing_beyond_it()
    {
        var o = await Disrupt(FaultKind.UpstreamCut);
        AssertDisrupted(o);
        Assert.True(o.Vantage[Vantage.Gateway].Ok, o.Vantage[Vantage.Gateway].Failure);
        Assert.False(o.Vantage[Vantage.Upstream].Ok);
    }

    [RootFact]
    public async Task A_server_link_down_fails_the_gateway_probe_from_the_server_itself()
    {
        var o = await Disrupt(FaultKind.ServerLinkDown);
        AssertDisrupted(o);
        Assert.False(o.Vantage[Vantage.Gateway].Ok);
    }

    [RootFact]
    public async Task A_full_accept_queue_refuses_the_client_while_the_network_is_fine()
    {
        var o = await Disrupt(FaultKind.AcceptQueueFull);
        AssertDisrupted(o);
        Assert.True(o.Vantage[Vantage.Gateway].Ok, o.Vantage[Vantage.Gateway].Failure);
        Assert.True(o.Vantage[Vantage.Upstream].Ok, o.Vantage[Vantage.Upstream].Failure);
    }

    [RootFact]
    public async Task Syn_queue_drops_without_cookies_refuse_the_client_while_the_network_is_fine()
    {
        var o = await Disrupt(FaultKind.HostKernel);
        AssertDisrupted(o);
        Assert.True(o.Vantage[Vantage.Gateway].Ok, o.Vantage[Vantage.Gateway].Failure);
    }

    [RootFact]
    public async Task A_tiny_shaper_starves_the_client_while_the_link_stays_up()
        => AssertDisrupted(await Disrupt(FaultKind.Shaper), during: 0.6);
}
