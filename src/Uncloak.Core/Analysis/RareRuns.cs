using System.Runtime.InteropServices;
using Uncloak.Core.Events;

namespace Uncloak.Core.Analysis;

/// <summary>
/// The rare events a reader keeps for the replay (<see cref="RareHistory"/>), with the repetitive kinds collapsed as they
/// arrive: a log from a misbehaving host holds hundreds of thousands of conntrack-full, out-of-memory, orphan and
/// SYN-flood lines, and keeping each as a <see cref="NetEvent"/> until the end was the analysis's memory peak. Lines of
/// one kind, form and listener that follow each other within <see cref="DisruptionTimeline.MergeGap"/> become one run
/// (first event, last time, count). The report is the same as with every line kept: what these kinds add in the replay
/// is a count (SYN-flood listeners) and a disruption window per line, and a run's windows are connected (each opens
/// at most the merge gap after the previous one), so their merge is the run's hull whichever way the lines were split
/// into runs (parallel readers, the store). Hang and watchdog lines are kept whole, and link lines one each in the
/// compact <see cref="LinkLine"/> (a third of the size): their order pairs flaps and resets.
/// Memory is bounded by <see cref="Limit"/> entries: when they are held, they are replayed as a chunk
/// (<see cref="RareHistory.Chunk"/>: counts, flaps, compacted disruption windows) and let go, so nothing is dropped and
/// every count of the report stays exact. Not thread-safe: one per reader.
/// </summary>
internal sealed class RareRuns
{
    /// <summary>Entries (runs and link lines) kept at most per reader before they are folded into a chunk (no count depends on it: smaller holds less).</summary>
    public const int DefaultLimit = 50_000;

    /// <summary>The limit of new instances on this flow of execution (tests set a small one to cross it on small logs).</summary>
    internal static readonly AsyncLocal<int?> LimitOverride = new();

    /// <summary>Devices (the first ones seen) looked up by reference before the dictionary is asked.</summary>
    private const int FirstDevices = 8;

    private readonly Dictionary<RunKey, int> _open = [];
    private readonly Dictionary<(string? Interface, string? Driver), int> _deviceIds = [];

    public RareRuns() : this(LimitOverride.Value ?? DefaultLimit)
    {
    }

    public RareRuns(int limit) => Limit = Math.Max(1, limit);

    /// <summary>Entries held at most before they are folded into a chunk.</summary>
    public int Limit { get; }

    public List<RareRun> Runs { get; } = [];

    /// <summary>The NIC link lines, in the order read (<see cref="RareHistory.Chunk"/> sorts them).</summary>
    public List<LinkLine> Links { get; } = [];

    /// <summary>The interfaces and drivers <see cref="LinkLine.Device"/> indexes.</summary>
    public List<(string? Interface, string? Driver)> Devices { get; } = [];

    /// <summary>The entries already replayed, in the order they were folded.</summary>
    public List<RareHistory> Chunks { get; } = [];

    /// <summary>Entries held (runs and link lines), which <see cref="Limit"/> bounds.</summary>
    public int Count => Runs.Count + Links.Count;

    public void Add(in NetEvent ev, long weight)
    {
        if (!Collapses(ev.Kind))
        {
            if (Count >= Limit)
            {
                Fold();
            }
            AddWhole(ev, weight);
            return;
        }
        var key = new RunKey(ev.Kind, ev.Form, ev.Local, ev.LocalPort, ev.Position.SourceId);
        var time = RareRun.TimeOf(ev);
        ref var recent = ref _recent[RecentSlot(key)];
        if (recent.Index < 0 || !recent.Key.Same(key))
        {
            recent = (key, _open.TryGetValue(key, out int index) ? index : -1);
        }
        if (recent.Index >= 0)
        {
            ref var run = ref CollectionsMarshal.AsSpan(Runs)[recent.Index];
            if (time >= run.Last && time - run.Last <= DisruptionTimeline.MergeGap)
            {
                run.Last = time;
                run.Count += weight;
                return;
            }
        }
        if (Count >= Limit)
        {
            Fold();
        }
        recent = (key, Runs.Count);
        _open[key] = Runs.Count;
        Runs.Add(new RareRun(ev, weight));
    }

    // The open runs last looked up, by a slot of their key: the repetitive kinds interleave line by line (conntrack,
    // orphans, SYN flood on a few listeners), and hashing the key for every line was the most of Add. Every run
    // opened goes both here and to _open, so a slot holds the run _open names or is empty.
    private readonly (RunKey Key, int Index)[] _recent = NoRecentRuns();

    private static (RunKey, int)[] NoRecentRuns()
    {
        var recent = new (RunKey, int)[16];
        recent.AsSpan().Fill((default, -1));
        return recent;
    }

    private static int RecentSlot(in RunKey key) => (int)(((uint)key.Kind * 5 + key.Form * 3u + key.LocalPort + (uint)key.Local.Low) * 0x9E3779B1u >> 28);

    /// <summary>Keeps the line as it is (no run, no limit): a link line compact, any other as a run of its own.</summary>
    public void AddWhole(in NetEvent ev, long weight)
    {
        if (ev.Kind == EventKind.NicLink)
        {
            Links.Add(new LinkLine(ev, DeviceId(ev.Interface, ev.Driver)));
        }
        else
        {
            Runs.Add(new RareRun(ev, weight));
        }
    }

    /// <summary>
    /// Replays the entries held into a chunk and lets them go (their runs are not extended further); with
    /// <paramref name="compact"/> the chunk keeps its disruption signals compacted (<see cref="RareHistory.Chunk"/>).
    /// </summary>
    public void Fold(bool compact = true)
    {
        if (Count == 0)
        {
            return;
        }
        Chunks.Add(RareHistory.Chunk(this, compact));
        Runs.Clear();
        Links.Clear();
        _open.Clear();
        _recent.AsSpan().Fill((default, -1));
        if (Runs.Capacity > Limit)
        {
            Runs.Capacity = Limit;
        }
        if (Links.Capacity > Limit)
        {
            Links.Capacity = Limit;
        }
    }

    /// <summary>Forgets everything held, keeping the tables' room (a reader's next range, once this one is merged).</summary>
    public void Clear()
    {
        Runs.Clear();
        Links.Clear();
        Devices.Clear();
        Chunks.Clear();
        _open.Clear();
        _deviceIds.Clear();
        _recent.AsSpan().Fill((default, -1));
    }

    /// <summary>
    /// Takes in another reader's entries (they are not extended further): its runs and link lines while both together
    /// stay within the limit and neither has folded (one replay of every line, as before there were chunks), else both
    /// fold and its chunks join these.
    /// </summary>
    public void Merge(RareRuns other)
    {
        if (Chunks.Count > 0 || other.Chunks.Count > 0 || Count + other.Count > Limit)
        {
            Fold();
            other.Fold();
            Chunks.AddRange(other.Chunks);
            return;
        }
        Reserve(Runs, other.Runs.Count);
        Runs.AddRange(other.Runs);
        Reserve(Links, other.Links.Count);
        var ids = new int[other.Devices.Count];
        for (int i = 0; i < ids.Length; i++)
        {
            ids[i] = DeviceId(other.Devices[i].Interface, other.Devices[i].Driver);
        }
        foreach (ref readonly var line in CollectionsMarshal.AsSpan(other.Links))
        {
            Links.Add(line.WithDevice(ids[line.Device]));
        }
    }

    // Grown by half, not doubled: the old array of hundreds of thousands of entries lives while the new one fills.
    private static void Reserve<T>(List<T> list, int more)
    {
        int needed = list.Count + more;
        if (needed > list.Capacity)
        {
            list.Capacity = Math.Max(needed, list.Capacity + list.Capacity / 2);
        }
    }

    private int DeviceId(string? name, string? driver)
    {
        // A reader's strings are interned, and a host has a handful of NICs whose lines interleave: the devices seen
        // first are compared by reference before any hashing of the two strings.
        var devices = CollectionsMarshal.AsSpan(Devices);
        for (int i = 0; i < devices.Length && i < FirstDevices; i++)
        {
            if (ReferenceEquals(name, devices[i].Interface) && ReferenceEquals(driver, devices[i].Driver))
            {
                return i;
            }
        }
        ref int id = ref CollectionsMarshal.GetValueRefOrAddDefault(_deviceIds, (name, driver), out bool exists);
        if (!exists)
        {
            id = Devices.Count;
            Devices.Add((name, driver));
        }
        return id;
    }

    /// <summary>Kinds whose replay only counts and opens a disruption per line.</summary>
    private static bool Collapses(EventKind kind)
        => kind is EventKind.ConntrackFull or EventKind.TcpOutOfMemory or EventKind.TooManyOrphans or EventKind.NeighbourOverflow or EventKind.SynFlood;

    private readonly record struct RunKey(EventKind Kind, byte Form, NetAddress Local, ushort LocalPort, int Source)
    {
        /// <summary>Equality field by field, without the generated comparers' calls (every repetitive line asks it).</summary>
        public bool Same(in RunKey other)
            => Kind == other.Kind && Form == other.Form && LocalPort == other.LocalPort && Source == other.Source && Local == other.Local;
    }
}
