using System.Runtime.InteropServices;
using Uncloak.Core.Events;
using Uncloak.Core.Ingest;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Folds events into the report: counts, peers, ports, a per-minute timeline, treason episodes, and the rare
/// events (NIC, SYN flood, conntrack, memory) kept whole so their history can be replayed in time order.
/// Memory grows with distinct peers, minutes and stalls, not with lines. Single-threaded; parallel readers
/// each fill their own builder and <see cref="Merge"/> them.
/// </summary>
public sealed class AnalysisBuilder : IEventSink
{
    private readonly AnalysisFilter _filter;
    private readonly bool _acceptsAll;
    private readonly KindCounts _counts = new();
    private readonly PeerTable _peers;
    private readonly PeerBatch _peerBatch;
    private readonly PortTable _ports = new();
    private readonly Dictionary<(EventKind Kind, long Minute), long> _minutesWall;
    private readonly Dictionary<(EventKind Kind, long Minute), long> _minutesUptime;
    private readonly EpisodeTable _episodes;
    private readonly RareRuns _rare;
    private readonly AttackTallies _attacks = new();
    private readonly MartianSources _martians;
    private readonly List<SourceSummary> _sources = [];
    private long _suppressed;
    private long _suppressedAny;
    private DateTime _first = DateTime.MaxValue;
    private DateTime _last = DateTime.MinValue;
    private long _wallEvents;
    private long _uptimeEvents;

    public AnalysisBuilder(AnalysisFilter? filter = null)
    {
        _filter = filter ?? AnalysisFilter.All;
        _acceptsAll = AcceptsAll(_filter);
        _peers = new PeerTable();
        _peerBatch = new PeerBatch();
        _episodes = new EpisodeTable();
        _martians = new MartianSources();
        _minutesWall = [];
        _minutesUptime = [];
        _rare = new RareRuns();
    }

    /// <summary>
    /// A builder for one of several parallel readers: it counts peers and treason episodes straight into
    /// <paramref name="shared"/>'s tables (thread-safe), and everything else on its own until <see cref="Merge"/>.
    /// With <paramref name="spent"/>, a reader's builder already merged, its per-minute counts and held rare events keep
    /// their tables (emptied) for this one: a range of a dense log grows them to large objects, and each large-object
    /// allocation brings the next full collection closer (issue 18, item 6).
    /// </summary>
    public AnalysisBuilder(AnalysisBuilder shared, AnalysisBuilder? spent = null)
    {
        _filter = shared._filter;
        _acceptsAll = shared._acceptsAll;
        _peers = shared._peers;
        _peerBatch = spent?._peerBatch ?? new PeerBatch(); // a spent builder's batch was counted at its merge
        _episodes = shared._episodes;
        _martians = new MartianSources(MartianSources.RangeLimit);
        if (spent is null)
        {
            _minutesWall = [];
            _minutesUptime = [];
            _rare = new RareRuns();
            return;
        }
        // Merge copied what these held into the main builder (the port pages it took over are not lent: new ones come).
        spent._minutesWall.Clear();
        spent._minutesUptime.Clear();
        spent._rare.Clear();
        (_minutesWall, _minutesUptime, _rare) = (spent._minutesWall, spent._minutesUptime, spent._rare);
    }

    /// <summary>
    /// The ports this host is known to listen on (from a socket snapshot, or given by the user), which tell the direction
    /// of connections whose ports are both unusual. Listeners named by SYN-flood lines of the inputs are added to them.
    /// </summary>
    public ServicePorts Listening { get; init; } = ServicePorts.None;

    // Most analyses filter nothing: asking the filter about every event cost more than the counting it guards.
    private static bool AcceptsAll(AnalysisFilter filter)
        => filter.Kinds.Count == 0 && filter.Since is null && filter.Until is null && filter.PeerNetwork is null;

    public void AddSource(SourceSummary source) => _sources.Add(source);

    void IEventSink.Add(in NetEvent ev, ReadOnlySpan<byte> message) => Add(ev, 1);

    /// <summary>Counts the event <paramref name="weight"/> times.</summary>
    public void Add(in NetEvent ev, long weight)
    {
        if (!_acceptsAll && !_filter.Accepts(ev))
        {
            return;
        }
        _counts.Add(ev.Kind, weight);
        DateTime time = TimeOf(ev);
        if (ev.HasTime)
        {
            _wallEvents += weight;
            BumpCached(false, ev.Kind, ev.Time.Ticks / TimeSpan.TicksPerMinute, weight);
        }
        else if (ev.UptimeMicros >= 0)
        {
            _uptimeEvents += weight;
            BumpCached(true, ev.Kind, ev.UptimeMicros / 60_000_000, weight);
        }
        See(time);
        if (!ev.Peer.IsNone && ev.Kind != EventKind.Martian && _peerBatch.Add(ev.Peer, ev.Kind, ev.LocalPort, time, weight))
        {
            _peerBatch.Flush(_peers);
        }
        if (ev.LocalPort != 0 && ev.Kind != EventKind.SynFlood)
        {
            _ports.Add(ev.Kind, ev.LocalPort, weight);
        }
        switch (ev.Kind)
        {
            case EventKind.Treason:
                _episodes.Add(ev, time, weight);
                break;
            case EventKind.FirewallLog:
                break;
            case EventKind.Martian:
                _martians.Add(ev, weight);
                break;
            case EventKind.RateLimitSuppressed when RateLimitMessage.CountsAnySubsystem(ev.Form):
                _suppressedAny += ev.Count * weight;
                break;
            case EventKind.RateLimitSuppressed:
                _suppressed += ev.Count * weight;
                break;
            default:
                _attacks.Add(ev, time, weight);
                _rare.Add(ev, weight);
                break;
        }
    }

    /// <summary>A stored per-minute total of a high-volume kind (no peer or port detail).</summary>
    public void AddMinuteAggregate(EventKind kind, bool uptime, long minute, long count)
    {
        if (_filter.PeerNetwork is not null || !AcceptsAggregate(kind, uptime, minute, minute + 1))
        {
            return; // with a peer filter, the per-peer aggregates carry the counts instead
        }
        _counts.Add(kind, count);
        Bump(uptime ? _minutesUptime : _minutesWall, kind, minute, count);
        if (uptime)
        {
            _uptimeEvents += count;
        }
        else
        {
            _wallEvents += count;
        }
        See(MinuteTime(uptime, minute));
        See(MinuteTime(uptime, minute + 1) - TimeSpan.FromTicks(1));
    }

    /// <summary>
    /// A stored count of one peer's events of a high-volume kind, seen between two minutes. With a peer filter the
    /// count also goes to the totals and, placed at its first minute, to the timeline (the store keeps no finer grain).
    /// </summary>
    public void AddPeerAggregate(EventKind kind, bool uptime, long firstMinute, long lastMinute, NetAddress peer, long count)
    {
        if (!AcceptsAggregate(kind, uptime, firstMinute, lastMinute + 1)
            || (_filter.PeerNetwork is { } net && (peer.IsV4 != net.IsV4 || peer.Prefix(_filter.PeerPrefixLength) != net)))
        {
            return;
        }
        _peers.AddAggregate(peer, kind, count, MinuteTime(uptime, firstMinute), MinuteTime(uptime, lastMinute));
        if (_filter.PeerNetwork is not null)
        {
            _counts.Add(kind, count);
            Bump(uptime ? _minutesUptime : _minutesWall, kind, firstMinute, count);
            See(MinuteTime(uptime, firstMinute));
            See(MinuteTime(uptime, lastMinute));
        }
    }

    /// <summary>A stored count of a high-volume kind's events to one local port.</summary>
    public void AddPortAggregate(EventKind kind, bool uptime, long firstMinute, long lastMinute, ushort port, long count)
    {
        if (_filter.PeerNetwork is not null || !AcceptsAggregate(kind, uptime, firstMinute, lastMinute + 1) || port == 0)
        {
            return;
        }
        _ports.Add(kind, port, count);
    }

    private bool AcceptsAggregate(EventKind kind, bool uptime, long fromMinute, long toMinute)
    {
        if (_filter.Kinds.Count > 0 && !_filter.Kinds.Contains(kind))
        {
            return false;
        }
        if (uptime)
        {
            return true;
        }
        if (_filter.Since is { } s && MinuteTime(false, toMinute) <= s)
        {
            return false;
        }
        return _filter.Until is not { } u || MinuteTime(false, fromMinute) < u;
    }

    private static DateTime MinuteTime(bool uptime, long minute)
        => uptime ? DateTime.UnixEpoch.AddMinutes(minute) : new DateTime(minute * TimeSpan.TicksPerMinute, DateTimeKind.Utc);

    private void See(DateTime time)
    {
        if (time == default)
        {
            return;
        }
        if (time < _first)
        {
            _first = time;
        }
        if (time > _last)
        {
            _last = time;
        }
    }


    // Logs are in time order, so nearly every event falls in the minute the previous event of its kind fell in:
    // counting there and flushing when the minute changes saves a hash lookup per event.
    private readonly (long Minute, long Count, bool Uptime)[] _minuteCache = new (long, long, bool)[64];

    private void BumpCached(bool uptime, EventKind kind, long minute, long weight)
    {
        ref var c = ref _minuteCache[(int)kind & 63];
        if (c.Count != 0 && (c.Minute != minute || c.Uptime != uptime))
        {
            Bump(c.Uptime ? _minutesUptime : _minutesWall, kind, c.Minute, c.Count);
            c.Count = 0;
        }
        c = (minute, c.Count + weight, uptime);
    }

    private void FlushMinuteCache()
    {
        for (int k = 0; k < _minuteCache.Length; k++)
        {
            ref var c = ref _minuteCache[k];
            if (c.Count != 0)
            {
                Bump(c.Uptime ? _minutesUptime : _minutesWall, (EventKind)k, c.Minute, c.Count);
                c.Count = 0;
            }
        }
    }

    private static void Bump(Dictionary<(EventKind, long), long> minutes, EventKind kind, long minute, long weight)
    {
        ref long count = ref CollectionsMarshal.GetValueRefOrAddDefault(minutes, (kind, minute), out _);
        count += weight;
    }

    /// <summary>Wall time when known, otherwise a clock that starts at the epoch and counts uptime (reports say which).</summary>
    private static DateTime TimeOf(in NetEvent ev)
        => ev.HasTime ? ev.Time : ev.UptimeMicros >= 0 ? DateTime.UnixEpoch.AddTicks(ev.UptimeMicros * 10) : default;

    /// <summary>
    /// Takes in what another builder (a parallel reader of the same inputs) collected. <paramref name="other"/> is spent:
    /// some of its tables are taken over, not copied.
    /// </summary>
    public void Merge(AnalysisBuilder other)
    {
        FlushMinuteCache();
        other.FlushMinuteCache();
        _peerBatch.Flush(_peers);
        other._peerBatch.Flush(other._peers);
        foreach (var (kind, count) in other._counts.NonZero())
        {
            _counts.Add(kind, count);
        }
        if (!ReferenceEquals(other._peers, _peers))
        {
            _peers.Merge(other._peers);
        }
        _ports.Merge(other._ports);
        foreach (var (key, count) in other._minutesWall)
        {
            Bump(_minutesWall, key.Kind, key.Minute, count);
        }
        foreach (var (key, count) in other._minutesUptime)
        {
            Bump(_minutesUptime, key.Kind, key.Minute, count);
        }
        if (!ReferenceEquals(other._episodes, _episodes))
        {
            _episodes.Merge(other._episodes);
        }
        _rare.Merge(other._rare);
        _attacks.Merge(other._attacks);
        _martians.Merge(other._martians);
        _sources.AddRange(other._sources);
        _suppressed += other._suppressed;
        _suppressedAny += other._suppressedAny;
        _wallEvents += other._wallEvents;
        _uptimeEvents += other._uptimeEvents;
        if (other._first < _first)
        {
            _first = other._first;
        }
        if (other._last > _last)
        {
            _last = other._last;
        }
    }

    public AnalysisReport Build()
    {
        FlushMinuteCache();
        _peerBatch.Flush(_peers);
        // Ordering tens of thousands of peers reads nothing the rest of the report writes: on the other core too.
        var peersInOrder = Task.Run(PeersInOrder);
        // The history first (rare events only): the listeners SYN-flood lines name tell the direction of stalls.
        var history = RareHistory.Replay(_rare, _last == DateTime.MinValue ? null : _last);
        var ports = Listening.With(history.SynFloodListenerPorts);
        // Summing up a million episodes reads nothing the rest of the report touches: do it on the other core.
        var episodes = Task.Run(() => _episodes.Summarize(ports));
        var distinctPeers = _peers.PeersPerPort();
        bool wall = _wallEvents > 0 || _uptimeEvents == 0;
        var timeline = BuildTimeline(wall ? _minutesWall : _minutesUptime, wall);
        var peers = peersInOrder.GetAwaiter().GetResult();
        var report = new AnalysisReport
        {
            Sources = _sources,
            Counts = _counts,
            First = _first == DateTime.MaxValue ? null : _first,
            Last = _last == DateTime.MinValue ? null : _last,
            Clock = wall ? "wall" : "uptime",
            Peers = peers,
            DistinctPeers = peers.Count,
            LocalPorts = _ports.Busiest(distinctPeers),
            Timeline = timeline,
            TreasonEpisodes = episodes.GetAwaiter().GetResult(),
            Interfaces = history.Interfaces,
            SynFloodListeners = history.SynFloodListeners,
            SuppressedMessages = _suppressed,
            SuppressedAnyMessages = _suppressedAny,
            Disruptions = DisruptionTimeline.Merge(history.Disruptions),
            Listening = ports,
            Attacks = _attacks.Ordered(),
            UntalliedAttackEvents = _attacks.Untallied,
            Martians = _martians.Ordered(),
            Findings = [],
            Minutes = wall ? _minutesWall : _minutesUptime,
        };
        return report with { Findings = Reasoner.Conclude(report) };
    }

    /// <summary>
    /// Peers by their total of events, most first, then by address (unique, so the order is total). The keys are read
    /// once and sorted beside their peers: LINQ's ordering took ≈ 20 ms of the report's tail for 22,000 peers.
    /// </summary>
    private List<PeerStats> PeersInOrder()
    {
        // Sorted as keys that name their peer by index and compare themselves: the (total, address, peer) tuples sorted
        // by a comparison delegate took 27 ms for the 22,000 peers of the 2 M-line dense log, each swap moving a reference
        // through a write barrier, on the core the report's tail waited for (issue 18, item 6); these take a few.
        var all = new List<PeerStats>(_peers.Count);
        foreach (var peer in _peers.All())
        {
            all.Add(peer);
        }
        var keys = new PeerOrder[all.Count];
        for (int i = 0; i < keys.Length; i++)
        {
            keys[i] = new PeerOrder(all[i].Counts.Total, all[i].Address, i);
        }
        Array.Sort(keys);
        var peers = new List<PeerStats>(keys.Length);
        foreach (var key in keys)
        {
            peers.Add(all[key.Index]);
        }
        return peers;
    }

    /// <summary>A peer's place in the report: most events first, then by address.</summary>
    private readonly record struct PeerOrder(long Total, NetAddress Address, int Index) : IComparable<PeerOrder>
    {
        public int CompareTo(PeerOrder other)
            => Total != other.Total ? other.Total.CompareTo(Total) : Address.CompareTo(other.Address);
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
        var span = TimeSpan.FromMinutes(Math.Min(maxMinute - minMinute + 1, (long)TimeSpan.MaxValue.TotalMinutes / 2));
        var bucket = Timeline.ChooseBucket(span);
        long bucketMinutes = (long)bucket.TotalMinutes;
        long startMinute = minMinute / bucketMinutes * bucketMinutes;
        long bucketCount = (maxMinute - startMinute) / bucketMinutes + 1;
        if (bucketCount > 100_000)
        {
            // Hostile or broken clocks (a year-9999 stamp among 2025 lines) must not allocate gigabytes.
            bucketMinutes = (maxMinute - startMinute) / 1000 + 1;
            bucket = TimeSpan.FromMinutes(bucketMinutes);
            bucketCount = (maxMinute - startMinute) / bucketMinutes + 1;
        }
        int buckets = (int)bucketCount;
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
