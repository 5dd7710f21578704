using Uncloak.Core.Sockets;

namespace Uncloak.Core.Forensics.Localization;

/// <summary>
/// <c>application</c>: the service stopped taking connections. A listener whose accept queue is full (Recv-Q reached
/// Send-Q, the backlog) and ListenOverflows growing say the kernel completed handshakes the application never accepted;
/// many connections parked on the persist timer with data queued say its workers are pinned by peers that do not read.
/// </summary>
public sealed class ApplicationRule : LayerRule
{
    /// <summary>Persist-timer sockets with data queued from which the workers count as pinned.</summary>
    public const int PinnedSockets = 10;

    public override Layer Layer => Layer.Application;

    protected override void Apply(IncidentEvidence e, LayerFinding f)
    {
        var moment = e.Moment;
        if (moment is not null)
        {
            var full = moment.Sockets.Where(s => s.State == TcpState.Listen && s.WQueue > 0 && s.RQueue >= s.WQueue).ToList();
            foreach (var l in full.Take(3))
            {
                f.Support(full.IndexOf(l) == 0 ? 0.5 : 0.05, "socket",
                    $"listener {l.Id.Local}:{l.Id.LocalPort}: accept queue {l.RQueue} of backlog {l.WQueue}",
                    $"The accept queue of port {l.Id.LocalPort} is full: the kernel finished handshakes the application did not accept(), so new clients time out although the host is up.");
            }
            var pinned = moment.Sockets.Where(s => s.Timer == SocketTimer.Persist && s.WQueue > 0).ToList();
            if (pinned.Count >= PinnedSockets)
            {
                f.Support(0.3, "socket", $"{pinned.Count} connections on the persist timer with {pinned.Sum(s => (long)s.WQueue):N0} bytes queued (peers advertising a zero window)",
                    "Connections whose peers advertise a zero window hold a worker each until they time out: with enough of them the workers are all pinned and the service stops answering.");
            }
        }
        if (e.Growth("TcpExt.ListenOverflows") is { Value: > 0 } overflows)
        {
            f.Support(overflows.Delta ? 0.4 : 0.15, "counter", $"TcpExt.ListenOverflows {GrowthText(overflows.Value, overflows.Delta)}",
                overflows.Delta
                    ? "Listen queue overflows grew during the outage: connections were refused at the accept queue."
                    : "Listen queue overflows happened at some time since boot; without a baseline they may be old.");
        }
        var probes = e.AllProbes.ToList();
        if (f.Score > 0 && probes.Any(p => p.Vantage == Vantage.Self && p.Ok) && !probes.Any(p => p.Vantage == Vantage.Self && !p.Ok))
        {
            f.Weaken(0.4, "The service answered the host's own probe of its public address, so it was taking connections at least then.");
        }
    }
}
