using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Detection;

/// <summary>
/// Runs every scenario over a stream of events: filter, group, fill, leak, overflow. Pure and single-threaded:
/// the same events in the same order give the same alerts, live or replayed. Memory grows with the groups that
/// are filling, not with events: empty buckets are swept as event time advances.
/// </summary>
public sealed class ScenarioEngine
{
    private static readonly TimeSpan SweepEvery = TimeSpan.FromMinutes(1);

    private readonly Scenario[] _scenarios;
    private readonly int[][] _byKind;
    private readonly Dictionary<BucketKey, LeakyBucket>[] _buckets;
    private readonly long[] _overflows;
    private readonly long[] _counted;
    private DateTime _lastSweep;

    /// <summary>Groups one scenario may track at once. A flood from random (spoofed) sources must not grow memory without bound.</summary>
    public const int DefaultMaxGroups = 500_000;

    private readonly int _maxGroups;

    public ScenarioEngine(IReadOnlyList<Scenario> scenarios, int maxGroups = DefaultMaxGroups)
    {
        _maxGroups = maxGroups;
        _scenarios = [.. scenarios];
        _buckets = new Dictionary<BucketKey, LeakyBucket>[_scenarios.Length];
        _overflows = new long[_scenarios.Length];
        _counted = new long[_scenarios.Length];
        var byKind = new List<int>[256];
        for (int i = 0; i < _scenarios.Length; i++)
        {
            _buckets[i] = [];
            foreach (var kind in _scenarios[i].Filter.Kinds)
            {
                (byKind[(byte)kind] ??= []).Add(i);
            }
        }
        _byKind = [.. byKind.Select(l => l is null ? Array.Empty<int>() : [.. l])];
    }

    public IReadOnlyList<Scenario> Scenarios => _scenarios;

    /// <summary>Events seen (whatever their kind).</summary>
    public long EventsSeen { get; private set; }

    /// <summary>Events that no scenario could place on a time axis (neither wall time nor uptime).</summary>
    public long Untimed { get; private set; }

    /// <summary>Groups with a bucket in memory.</summary>
    public int BucketCount => _buckets.Sum(b => b.Count);

    /// <summary>Events not counted because their scenario already tracked <c>maxGroups</c> filling groups.</summary>
    public long GroupsRefused { get; private set; }

    /// <summary>Overflows of scenario <paramref name="index"/> so far.</summary>
    public long OverflowsOf(int index) => _overflows[index];

    /// <summary>Events scenario <paramref name="index"/> counted into a bucket so far (past its filter, grouping and distinct rule; not those in a cooldown).</summary>
    public long CountedOf(int index) => _counted[index];

    /// <summary>Groups scenario <paramref name="index"/> has filling now.</summary>
    public int BucketsOf(int index) => _buckets[index].Count;

    /// <summary>
    /// Counts one event; overflows are appended to <paramref name="alerts"/>. Events without a wall-clock time use
    /// their kernel uptime as the time axis (a dmesg dump), which keeps rates right within one boot.
    /// </summary>
    public void Process(in NetEvent ev, List<ScenarioAlert> alerts)
    {
        EventsSeen++;
        var indexes = _byKind[(byte)ev.Kind];
        if (indexes.Length == 0)
        {
            return;
        }
        DateTime now;
        if (ev.HasTime)
        {
            now = ev.Time;
        }
        else if (ev.UptimeMicros >= 0)
        {
            now = new DateTime(ev.UptimeMicros * 10, DateTimeKind.Utc);
        }
        else
        {
            Untimed++;
            return;
        }
        foreach (int i in indexes)
        {
            var scenario = _scenarios[i];
            if (!scenario.Filter.Matches(ev))
            {
                continue;
            }
            if (scenario.GroupBy is GroupBy.Peer or GroupBy.Network && ev.Peer.IsNone)
            {
                continue;
            }
            Fill(i, scenario, BucketKey.For(scenario, ev), now, ev, alerts);
        }
        if (now - _lastSweep >= SweepEvery)
        {
            Sweep(now);
        }
    }

    private void Fill(int index, Scenario scenario, BucketKey key, DateTime now, in NetEvent ev, List<ScenarioAlert> alerts)
    {
        var map = _buckets[index];
        if (map.Count >= _maxGroups && !map.ContainsKey(key))
        {
            Sweep(now);
            if (map.Count >= _maxGroups)
            {
                GroupsRefused++;
                return;
            }
        }
        ref var bucket = ref CollectionsMarshal.GetValueRefOrAddDefault(map, key, out bool exists);
        if (!exists)
        {
            bucket.Last = now;
        }
        if (now < bucket.SilentUntil)
        {
            return;
        }
        bucket.Leak(now, scenario.LeakEvery);
        if (scenario.Distinct != DistinctField.None)
        {
            bucket.Seen ??= [];
            if (!bucket.Seen.Add(DistinctValue(scenario.Distinct, ev)))
            {
                return;
            }
        }
        if (bucket.Events == 0)
        {
            bucket.First = now;
        }
        bucket.Events++;
        _counted[index]++;
        bucket.Level += 1;
        if (bucket.Level > scenario.Capacity)
        {
            alerts.Add(new ScenarioAlert(scenario, key, bucket.First, now, bucket.Events, ev));
            _overflows[index]++;
            bucket.Level = 0;
            bucket.Events = 0;
            bucket.Seen?.Clear();
            bucket.SilentUntil = now + scenario.Cooldown;
        }
    }

    private static ulong DistinctValue(DistinctField field, in NetEvent ev) => field switch
    {
        DistinctField.LocalPort => ev.LocalPort,
        DistinctField.PeerPort => ev.PeerPort,
        DistinctField.Episode => ((ulong)ev.PeerPort << 48) | ((ulong)ev.LocalPort << 32) | ev.SeqFrom,
        _ => ev.Peer.Low ^ (ev.Peer.High * 0x9E3779B97F4A7C15UL),
    };

    private void Sweep(DateTime now)
    {
        _lastSweep = now;
        for (int i = 0; i < _buckets.Length; i++)
        {
            var leak = _scenarios[i].LeakEvery;
            var map = _buckets[i];
            foreach (var (key, bucket) in map)
            {
                if (bucket.IsIdle(now, leak))
                {
                    map.Remove(key);
                }
            }
        }
    }
}
