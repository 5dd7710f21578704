using Uncloak.Core.Events;
using Uncloak.Core.Ingest;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Folds events into the report: counts, peers, ports, a per-minute timeline, treason episodes, NIC
/// history, SYN-flood listeners. Memory grows with distinct peers and minutes, not with lines.
/// Single-threaded; feed it from one thread (the scanner's).
/// </summary>
public sealed class AnalysisBuilder : IEventSink
{
    private readonly AnalysisFilter _filter;
    private readonly KindCounts _counts = new();
    private readonly Dictionary<NetAddress, PeerStats> _peers = [];
    private readonly Dictionary<ushort, PortStats> _ports = [];
    private readonly Dictionary<(EventKind Kind, long Minute), long> _minutesWall = [];
    private readonly Dictionary<(EventKind Kind, long Minute), long> _minutesUptime = [];
    private readonly Dictionary<(NetAddress, ushort, ushort, uint), TreasonEpisode> _episodes = [];
    private readonly Dictionary<string, InterfaceStats> _interfaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Cookies, long Drops)> _synListeners = new(StringComparer.Ordinal);
    private readonly List<(DateTime Start, DateTime End, string Cause)> _disruptions = [];
    private readonly List<SourceSummary> _sources = [];
    private long _suppressed;
    private DateTime _first = DateTime.MaxValue;
    private DateTime _last = DateTime.MinValue;
    private long _wallEvents;
    private long _uptimeEvents;

    public AnalysisBuilder(AnalysisFilter? filter = null)
    {
        _filter = filter ?? AnalysisFilter.All;
    }

    public void AddSource(SourceSummary source) => _sources.Add(source);

    void IEventSink.Add(in NetEvent ev, ReadOnlySpan<byte> message) => Add(ev, 1);

    public void Add(in NetEvent ev, long weight)
    {
        if (!_filter.Accepts(ev))
        {
            return;
        }
        _counts.Add(ev.Kind, weight);
        DateTime time = TimeOf(ev);
        if (ev.HasTime)
        {
            _wallEvents += weight;
            Bump(_minutesWall, ev.Kind, ev.Time.Ticks / TimeSpan.TicksPerMinute, weight);
        }
        else if (ev.UptimeMicros >= 0)
        {
            _uptimeEvents += weight;
            Bump(_minutesUptime, ev.Kind, ev.UptimeMicros / 60_000_000, weight);
        }
        if (time != default)
        {
            if (time < _first)
            {
                _first = time;
            }
            if (time > _last)
            {
                _last = time;
            }
        }
        if (!ev.Peer.IsNone && ev.Kind != EventKind.Martian)
        {
            if (!_peers.TryGetValue(ev.Peer, out var peer))
            {
                peer = new PeerStats(ev.Peer);
                _peers[ev.Peer] = peer;
            }
            peer.Add(ev, time, weight);
        }
        if (ev.LocalPort != 0 && ev.Kind is not (EventKind.SynFlood))
        {
            if (!_ports.TryGetValue(ev.LocalPort, out var port))
            {
                port = new PortStats(ev.LocalPort);
                _ports[ev.LocalPort] = port;
            }
            port.Counts.Add(ev.Kind, weight);
            if (!ev.Peer.IsNone && port.Peers.Count < 100_000)
            {
                port.Peers.Add(ev.Peer);
            }
        }
        switch (ev.Kind)
        {
            case EventKind.Treason:
                AddTreason(ev, time, weight);
                break;
            case EventKind.SynFlood:
                {
                    string key = ev.Local.IsNone ? $"port {ev.LocalPort}" : Messages.EventDescription.Format(ev.Local, ev.LocalPort);
                    var (c, d) = _synListeners.GetValueOrDefault(key);
                    _synListeners[key] = (SynFloodAction)ev.Form == SynFloodAction.SendingCookies ? (c + weight, d) : (c, d + weight);
                    if ((SynFloodAction)ev.Form == SynFloodAction.DroppingRequest && time != default)
                    {
                        _disruptions.Add((time, time + TimeSpan.FromMinutes(5), "SYN flood with cookies off (SYNs dropped)"));
                    }
                    break;
                }
            case EventKind.ConntrackFull:
            case EventKind.TcpOutOfMemory:
            case EventKind.TooManyOrphans:
            case EventKind.NeighbourOverflow:
                if (time != default)
                {
                    _disruptions.Add((time - TimeSpan.FromMinutes(1), time + TimeSpan.FromMinutes(1), ev.Kind.Name().Replace('_', ' ')));
                }
                break;
            case EventKind.NicLink:
            case EventKind.NetdevWatchdog:
            case EventKind.NicHang:
                AddNic(ev, time);
                break;
            case EventKind.RateLimitSuppressed:
                _suppressed += ev.Count * weight;
                break;
        }
    }

    private static void Bump(Dictionary<(EventKind, long), long> minutes, EventKind kind, long minute, long weight)
    {
        var key = (kind, minute);
        minutes[key] = minutes.GetValueOrDefault(key) + weight;
    }

    /// <summary>Wall time when known, otherwise a clock that starts at the epoch and counts uptime (reports say which).</summary>
    private static DateTime TimeOf(in NetEvent ev)
        => ev.HasTime ? ev.Time : ev.UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(ev.UptimeMicros * 10) : default;

    private void AddTreason(in NetEvent ev, DateTime time, long weight)
    {
        var key = (ev.Peer, ev.PeerPort, ev.LocalPort, ev.SeqFrom);
        if (!_episodes.TryGetValue(key, out var episode))
        {
            if (_episodes.Count >= 1_000_000)
            {
                return; // bounded: a hostile log cannot make us keep more than a million stalls
            }
            episode = new TreasonEpisode(ev.Peer, ev.PeerPort, ev.LocalPort, ev.SeqFrom);
            _episodes[key] = episode;
        }
        episode.Lines += weight;
        episode.MaxBytesInFlight = Math.Max(episode.MaxBytesInFlight, ev.BytesInFlight);
        episode.LongestStallMs = Math.Max(episode.LongestStallMs, ev.Millis2);
        if (time != default)
        {
            if (time < episode.First)
            {
                episode.First = time;
            }
            if (time > episode.Last)
            {
                episode.Last = time;
            }
        }
    }

    private void AddNic(in NetEvent ev, DateTime time)
    {
        string name = ev.Interface ?? (ev.Driver is null ? "?" : ev.Driver + " (no interface named)");
        if (!_interfaces.TryGetValue(name, out var nic))
        {
            nic = new InterfaceStats(name);
            _interfaces[name] = nic;
        }
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
                    nic.Flaps.Add(new LinkFlap(name, down, time));
                    if (down != default && time != default)
                    {
                        _disruptions.Add((down, time, $"{name} link down"));
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
                    _disruptions.Add((time - TimeSpan.FromSeconds(10), time + TimeSpan.FromSeconds(10), $"{name} transmit timeout"));
                }
                break;
            case EventKind.NicHang:
                nic.Hangs.Add(time);
                if (time != default)
                {
                    _disruptions.Add((time - TimeSpan.FromSeconds(5), time + TimeSpan.FromSeconds(10), $"{name} transmit hang"));
                }
                break;
        }
    }

    public AnalysisReport Build(DateTime? outageWindowStart = null)
    {
        foreach (var nic in _interfaces.Values)
        {
            if (nic.DownSince is { } down)
            {
                nic.Flaps.Add(new LinkFlap(nic.Name, down, null));
                if (down != default && _last > down)
                {
                    _disruptions.Add((down, _last, $"{nic.Name} link down (still down at end of log)"));
                }
                nic.DownSince = null;
            }
        }
        bool wall = _wallEvents > 0 || _uptimeEvents == 0;
        var timeline = BuildTimeline(wall ? _minutesWall : _minutesUptime, wall);
        var peers = _peers.Values
            .OrderByDescending(p => p.Counts.Total)
            .ThenBy(p => p.Address)
            .ToList();
        var report = new AnalysisReport
        {
            Sources = _sources,
            Counts = _counts,
            First = _first == DateTime.MaxValue ? null : _first,
            Last = _last == DateTime.MinValue ? null : _last,
            Clock = wall ? "wall" : "uptime",
            Peers = peers,
            DistinctPeers = peers.Count,
            LocalPorts = [.. _ports.Values.OrderByDescending(p => p.Counts.Total).ThenBy(p => p.Port)],
            Timeline = timeline,
            TreasonEpisodes = [.. _episodes.Values.OrderByDescending(e => e.Lines).ThenBy(e => e.First).ThenBy(e => e.Peer)],
            Interfaces = [.. _interfaces.Values.OrderBy(i => i.Name, StringComparer.Ordinal)],
            SynFloodListeners = _synListeners,
            SuppressedMessages = _suppressed,
            Disruptions = [.. _disruptions.OrderBy(d => d.Start)],
            Findings = [],
            Minutes = wall ? _minutesWall : _minutesUptime,
        };
        return report with { Findings = Reasoner.Conclude(report) };
    }

    private static Timeline BuildTimeline(Dictionary<(EventKind Kind, long Minute), long> minutes, bool wall)
    {
        if (minutes.Count == 0)
        {
            return Timeline.Empty with { Clock = wall ? "wall" : "uptime" };
        }
        long minMinute = long.MaxValue, maxMinute = long.MinValue;
        foreach (var key in minutes.Keys)
        {
            minMinute = Math.Min(minMinute, key.Minute);
            maxMinute = Math.Max(maxMinute, key.Minute);
        }
        var span = TimeSpan.FromMinutes(maxMinute - minMinute + 1);
        var bucket = Timeline.ChooseBucket(span);
        long bucketMinutes = (long)bucket.TotalMinutes;
        long startMinute = minMinute / bucketMinutes * bucketMinutes;
        int buckets = (int)((maxMinute - startMinute) / bucketMinutes) + 1;
        var series = new Dictionary<EventKind, long[]>();
        foreach (var ((kind, minute), count) in minutes)
        {
            if (!series.TryGetValue(kind, out var arr))
            {
                arr = new long[buckets];
                series[kind] = arr;
            }
            arr[(minute - startMinute) / bucketMinutes] += count;
        }
        var start = wall ? new DateTime(startMinute * TimeSpan.TicksPerMinute, DateTimeKind.Utc) : DateTime.UnixEpoch.AddMinutes(startMinute);
        return new Timeline(start, bucket, buckets, wall ? "wall" : "uptime", series);
    }
}
