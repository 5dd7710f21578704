using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Store.Events;

/// <summary>
/// Counts high-volume events (firewall LOG lines) the way the rollups table keeps them: per minute, per peer and per
/// local port, for each source, kind and clock. Each reader thread fills its own, so the store writer receives a few
/// thousand aggregates at the end instead of millions of events on its queue. Not thread-safe; <see cref="Merge"/>
/// combines the aggregators of parallel readers.
/// </summary>
public sealed class RollupAggregator
{
    private readonly Dictionary<RollupGroup, GroupCounts> _groups = [];
    private RollupGroup _lastGroup;
    private GroupCounts? _last;

    /// <summary>Kinds the store keeps as aggregates instead of rows.</summary>
    public static bool Aggregates(EventKind kind) => kind == EventKind.FirewallLog;

    public void Add(in NetEvent ev)
    {
        bool uptime = !ev.HasTime;
        if (uptime && ev.UptimeMicros < 0)
        {
            return; // no clock at all: nothing to place it in time with
        }
        long minute = uptime ? ev.UptimeMicros / 60_000_000 : ev.Time.Ticks / TimeSpan.TicksPerMinute;
        var group = new RollupGroup(ev.Position.SourceId, ev.Kind, uptime);
        var counts = _last is not null && group == _lastGroup ? _last : GroupOf(group);
        counts.Add(minute, ev.Peer, ev.LocalPort, 1);
        counts.FirstOffset = Math.Min(counts.FirstOffset, ev.Position.Offset);
    }

    /// <summary>Takes in what another aggregator (a parallel reader) counted.</summary>
    public void Merge(RollupAggregator other)
    {
        foreach (var (group, theirs) in other._groups)
        {
            GroupOf(group).Merge(theirs);
        }
    }

    /// <summary>
    /// Each source, kind and clock's aggregates as one block to store (<see cref="RollupBlock"/>), keyed by the
    /// offset of the first line it counts.
    /// </summary>
    /// <remarks>
    /// The records are streamed as counted, not gathered into a list or sorted by peer: at 10 M lines a range's peers and
    /// ports are hundreds of thousands of records, and such lists, one per range, were large objects that pushed the peak
    /// past 300 MB.
    /// </remarks>
    public IEnumerable<(int Source, long Offset, EventKind Kind, bool Uptime, IEnumerable<RollupRecord> Records)> Blocks()
    {
        foreach (var (group, counts) in _groups.OrderBy(g => g.Key.Source).ThenBy(g => g.Key.Kind).ThenBy(g => g.Key.Uptime))
        {
            yield return (group.Source, counts.FirstOffset, group.Kind, group.Uptime, counts.Stream(group));
        }
    }

    /// <summary>Every aggregate once, added up as the store gives its blocks back (<see cref="RollupSum"/>), in key order.</summary>
    public List<RollupRecord> Records()
    {
        var sum = new RollupSum();
        foreach (var block in Blocks())
        {
            sum.AddAll(block.Records);
        }
        return sum.InKeyOrder();
    }

    /// <summary>
    /// Empties the aggregator for another range, keeping its tables (a dense log's ranges allocated megabytes of them
    /// each, garbage once encoded).
    /// </summary>
    public void Reset()
    {
        foreach (var counts in _groups.Values)
        {
            counts.Reset();
            _spare.Push(counts);
        }
        _groups.Clear();
        _last = null;
    }

    private readonly Stack<GroupCounts> _spare = new();

    private GroupCounts GroupOf(RollupGroup group)
    {
        ref var counts = ref CollectionsMarshal.GetValueRefOrAddDefault(_groups, group, out _);
        counts ??= _spare.TryPop(out var spare) ? spare : new GroupCounts();
        _lastGroup = group;
        _last = counts;
        return counts;
    }

    private readonly record struct RollupGroup(int Source, EventKind Kind, bool Uptime);

    /// <summary>A count with the first and last minute it covers.</summary>
    private struct MinuteSpan
    {
        public long Count;
        public long First;
        public long Last;

        public void Add(long count, long first, long last)
        {
            if (Count == 0)
            {
                (Count, First, Last) = (count, first, last);
                return;
            }
            Count += count;
            First = Math.Min(First, first);
            Last = Math.Max(Last, last);
        }
    }

    private sealed class GroupCounts
    {
        private readonly Dictionary<long, long> _minutes = [];
        private readonly Dictionary<NetAddress, MinuteSpan> _peers = [];
        // In pages of 1,024 allocated as first touched: one array indexed by port was a large object per range (1.5 MB),
        // and each large-object allocation counts toward a full collection (issue 18, item 6: collections inside Add were
        // a third of its time).
        private MinuteSpan[]?[]? _ports;
        private const int PageBits = 10, PageSize = 1 << PageBits;

        /// <summary>The offset of the first line counted (the key of its block).</summary>
        public long FirstOffset = long.MaxValue;


        // Logs are in time order: counting the current minute in a field and flushing when it changes saves a
        // hash lookup per line.
        private long _minute = long.MinValue;
        private long _minuteCount;

        public void Add(long minute, NetAddress peer, ushort port, long count)
        {
            if (minute != _minute)
            {
                FlushMinute();
                _minute = minute;
            }
            _minuteCount += count;
            if (!peer.IsNone)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_peers, peer, out _).Add(count, minute, minute);
            }
            if (port != 0)
            {
                AddPort(port, count, minute, minute);
            }
        }

        public void Merge(GroupCounts other)
        {
            FirstOffset = Math.Min(FirstOffset, other.FirstOffset);
            other.FlushMinute();
            foreach (var (minute, count) in other._minutes)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_minutes, minute, out _) += count;
            }
            foreach (var (peer, span) in other._peers)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_peers, peer, out _).Add(span.Count, span.First, span.Last);
            }
            foreach (var (port, span) in other.Ports())
            {
                AddPort(port, span.Count, span.First, span.Last);
            }
        }

        /// <summary>
        /// The records as held, minutes in order, then peers, then ports: nothing copied but the minutes.
        /// </summary>
        public IEnumerable<RollupRecord> Stream(RollupGroup g)
        {
            FlushMinute();
            foreach (var (minute, count) in _minutes.OrderBy(m => m.Key))
            {
                yield return new RollupRecord(g.Source, g.Kind, RollupScope.Minute, g.Uptime, minute, NetAddress.None, 0, count, minute, minute);
            }
            foreach (var (peer, span) in _peers)
            {
                yield return new RollupRecord(g.Source, g.Kind, RollupScope.Peer, g.Uptime, 0, peer, 0, span.Count, span.First, span.Last);
            }
            foreach (var (port, span) in Ports())
            {
                yield return new RollupRecord(g.Source, g.Kind, RollupScope.Port, g.Uptime, 0, NetAddress.None, port, span.Count, span.First, span.Last);
            }
        }

        /// <summary>Per-port counts, in port order.</summary>
        private IEnumerable<(ushort Port, MinuteSpan Span)> Ports()
        {
            if (_ports is not { } pages)
            {
                yield break;
            }
            for (int page = 0; page < pages.Length; page++)
            {
                if (pages[page] is not { } ports)
                {
                    continue;
                }
                for (int i = 0; i < ports.Length; i++)
                {
                    if (ports[i].Count != 0)
                    {
                        yield return ((ushort)((page << PageBits) | i), ports[i]);
                    }
                }
            }
        }

        private void AddPort(ushort port, long count, long first, long last)
        {
            // Indexed by port: scanners touch thousands of ports, and a lookup here costs nothing.
            _ports ??= new MinuteSpan[]?[65536 >> PageBits];
            (_ports[port >> PageBits] ??= new MinuteSpan[PageSize])[port & (PageSize - 1)].Add(count, first, last);
        }

        /// <summary>Forgets every count, keeping the pages (cleared) for the next ones.</summary>
        public void Reset()
        {
            _minutes.Clear();
            _peers.Clear();
            if (_ports is { } ports)
            {
                foreach (var page in ports)
                {
                    if (page is not null)
                    {
                        Array.Clear(page);
                    }
                }
            }
            FirstOffset = long.MaxValue;
            _minute = long.MinValue;
            _minuteCount = 0;
        }

        private void FlushMinute()
        {
            if (_minuteCount != 0)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_minutes, _minute, out _) += _minuteCount;
                _minuteCount = 0;
            }
        }
    }
}
