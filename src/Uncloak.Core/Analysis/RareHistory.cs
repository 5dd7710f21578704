using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Replays the rare events (NIC, SYN flood, conntrack, memory) in time order into interface histories (link
/// flaps paired down→up), SYN-flood listeners and the disruption windows the log itself shows. Done at the end
/// so that inputs read out of order or in parallel still pair up correctly.
/// </summary>
internal sealed class RareHistory
{
    public List<InterfaceStats> Interfaces { get; } = [];

    public Dictionary<string, (long Cookies, long Drops)> SynFloodListeners { get; } = new(StringComparer.Ordinal);

    public List<(DateTime Start, DateTime End, string Cause)> Disruptions { get; } = [];

    public static RareHistory Replay(List<NetEvent> rare, DateTime? logEnd)
    {
        var h = new RareHistory();
        var interfaces = new Dictionary<string, InterfaceStats>(StringComparer.Ordinal);
        foreach (var ev in rare.OrderBy(e => e.HasTime ? e.Time : DateTime.UnixEpoch.AddTicks(Math.Max(0, e.UptimeMicros) * 10)).ThenBy(e => e.Position.SourceId).ThenBy(e => e.Position.Offset))
        {
            var time = ev.HasTime ? ev.Time : ev.UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(ev.UptimeMicros * 10) : default;
            switch (ev.Kind)
            {
                case EventKind.SynFlood:
                    string key = ev.Local.IsNone ? $"port {ev.LocalPort}" : EventDescription.Format(ev.Local, ev.LocalPort);
                    var (c, d) = h.SynFloodListeners.GetValueOrDefault(key);
                    bool cookies = (SynFloodAction)ev.Form == SynFloodAction.SendingCookies;
                    h.SynFloodListeners[key] = cookies ? (c + 1, d) : (c, d + 1);
                    if (!cookies && time != default)
                    {
                        h.Disruptions.Add((time, time + TimeSpan.FromMinutes(5), "SYN flood with cookies off (SYNs dropped)"));
                    }
                    break;
                case EventKind.ConntrackFull:
                case EventKind.TcpOutOfMemory:
                case EventKind.TooManyOrphans:
                case EventKind.NeighbourOverflow:
                    if (time != default)
                    {
                        h.Disruptions.Add((time - TimeSpan.FromMinutes(1), time + TimeSpan.FromMinutes(1), ev.Kind.Name().Replace('_', ' ')));
                    }
                    break;
                case EventKind.NicLink:
                case EventKind.NetdevWatchdog:
                case EventKind.NicHang:
                    string name = ev.Interface ?? (ev.Driver is null ? "?" : ev.Driver + " (no interface named)");
                    if (!interfaces.TryGetValue(name, out var nic))
                    {
                        nic = new InterfaceStats(name);
                        interfaces[name] = nic;
                    }
                    h.AddNic(nic, ev, time);
                    break;
            }
        }
        foreach (var nic in interfaces.Values)
        {
            if (nic.DownSince is { } down)
            {
                nic.Flaps.Add(new LinkFlap(nic.Name, down, null));
                if (down != default && logEnd is { } end && end > down)
                {
                    h.Disruptions.Add((down, end, $"{nic.Name} link down (still down at end of log)"));
                }
                nic.DownSince = null;
            }
        }
        h.Interfaces.AddRange(interfaces.Values.OrderBy(i => i.Name, StringComparer.Ordinal));
        h.Disruptions.Sort((a, b) => a.Start.CompareTo(b.Start));
        return h;
    }

    private void AddNic(InterfaceStats nic, in NetEvent ev, DateTime time)
    {
        nic.Driver ??= ev.Driver;
        switch (ev.Kind)
        {
            case EventKind.NicLink when (LinkState)ev.Form == LinkState.Down:
                nic.LinkDowns++;
                nic.DownSince ??= time;
                break;
            case EventKind.NicLink when (LinkState)ev.Form == LinkState.Up:
                nic.LinkUps++;
                if (ev.SpeedMbps > 0)
                {
                    nic.LastSpeedMbps = ev.SpeedMbps;
                }
                if (ev.Duplex != Duplex.Unknown)
                {
                    nic.LastDuplex = ev.Duplex;
                }
                if (ev.FlowControl != FlowControl.Unknown)
                {
                    nic.LastFlowControl = ev.FlowControl;
                }
                if (ev.Duplex == Duplex.Half)
                {
                    nic.HalfDuplexUps++;
                }
                if (nic.DownSince is { } down)
                {
                    nic.Flaps.Add(new LinkFlap(nic.Name, down, time));
                    if (down != default && time != default)
                    {
                        Disruptions.Add((down, time, $"{nic.Name} link down"));
                    }
                    nic.DownSince = null;
                }
                break;
            case EventKind.NicLink:
                nic.DegradedWarnings++;
                break;
            case EventKind.NetdevWatchdog:
                nic.Watchdogs.Add(time);
                if (time != default)
                {
                    Disruptions.Add((time - TimeSpan.FromSeconds(10), time + TimeSpan.FromSeconds(10), $"{nic.Name} transmit timeout"));
                }
                break;
            case EventKind.NicHang:
                nic.Hangs.Add(time);
                if (time != default)
                {
                    Disruptions.Add((time - TimeSpan.FromSeconds(5), time + TimeSpan.FromSeconds(10), $"{nic.Name} transmit hang"));
                }
                break;
        }
    }
}
