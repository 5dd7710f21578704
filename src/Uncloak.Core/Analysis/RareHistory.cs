using Uncloak.Core.Events;
using Uncloak.Core.Messages;

namespace Uncloak.Core.Analysis;

/// <summary>
/// Replays the rare events (NIC, SYN flood, conntrack, memory) in time order into interface histories (link
/// flaps paired down→up), SYN-flood listeners and the disruption windows the log itself shows. Done at the end
/// so that inputs read out of order or in parallel still pair up correctly. What each event adds is its
/// family's business (<see cref="MessageFamily.Replay"/>); this class keeps the order and the tables.
/// A reader that holds more entries than its limit replays them as a chunk (<see cref="Chunk"/>) and keeps only what
/// the chunk sums up; the chunks are then put together in time order (<see cref="Replay"/>), so every count is the one
/// a replay of every line would give whatever the limit, as long as each reader's lines of an interface come in time
/// order from one chunk to the next (a log's do).
/// </summary>
internal sealed class RareHistory
{
    /// <summary>
    /// Signals a chunk holds at most before they are compacted (a quarter of a small limit, so tests cross it too) (compacting again is safe: a compacted window is a signal whose
    /// merge stands for its group's), so a fold never holds one per line of the limit. 2,048 signals of 32 bytes stay
    /// under the large-object threshold: at 32,768 the list grew through three large objects in every fold of a dense
    /// log, each bringing a full collection closer (issue 18, item 6), for no fewer compactions' work.
    /// </summary>
    private const int CompactEvery = 2_048;

    private int _compactEvery = CompactEvery;

    private readonly Dictionary<string, InterfaceStats> _interfaces = new(StringComparer.Ordinal);

    public List<InterfaceStats> Interfaces { get; } = [];

    public Dictionary<string, (long Cookies, long Drops)> SynFloodListeners { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The disruption signals (lines, down→up pairs, or a cause's signals that are one window anyway, see
    /// <see cref="Compact"/>), sorted by start; <see cref="DisruptionTimeline.Merge"/> makes them disruptions.
    /// </summary>
    public List<(DateTime Start, DateTime End, string Cause, long Signals)> Disruptions { get; } = [];

    /// <summary>Local ports that SYN-flood lines named as listening: evidence of what this host serves.</summary>
    public HashSet<ushort> SynFloodListenerPorts { get; } = [];

    /// <summary>The last time of the run being replayed (its first line's when it is one line).</summary>
    public DateTime RunLast { get; private set; }

    /// <summary>How many lines the run being replayed stands for.</summary>
    public long RunCount { get; private set; } = 1;

    /// <summary>
    /// Replays <paramref name="rare"/>'s entries (folding what it still holds into a last chunk) and puts its chunks
    /// together: each interface's chunk histories in the order of their first lines, the rest summed.
    /// </summary>
    public static RareHistory Replay(RareRuns rare, DateTime? logEnd)
    {
        // One chunk (every entry within the limit): its signals as they are, sorted as they always were.
        bool whole = rare.Chunks.Count == 0;
        rare.Fold(compact: !whole);
        var h = new RareHistory();
        var nics = new Dictionary<string, List<InterfaceStats>>(StringComparer.Ordinal);
        foreach (var chunk in rare.Chunks)
        {
            foreach (var (listener, (cookies, drops)) in chunk.SynFloodListeners)
            {
                var (c, d) = h.SynFloodListeners.GetValueOrDefault(listener);
                h.SynFloodListeners[listener] = (c + cookies, d + drops);
            }
            h.SynFloodListenerPorts.UnionWith(chunk.SynFloodListenerPorts);
            h.Disruptions.AddRange(chunk.Disruptions);
            foreach (var nic in chunk._interfaces.Values)
            {
                if (!nics.TryGetValue(nic.Name, out var list))
                {
                    nics[nic.Name] = list = [];
                }
                list.Add(nic);
            }
        }
        foreach (var (name, chunks) in nics)
        {
            chunks.Sort(static (a, b) => a.FirstLine.CompareTo(b.FirstLine));
            var nic = new InterfaceStats(name);
            foreach (var chunk in chunks)
            {
                nic.Absorb(chunk, h.Disruptions);
            }
            if (nic.DownSince is { } down && down != default && logEnd is { } end && end > down)
            {
                h.Disruptions.Add((down, end, $"{nic.Name} link down (still down at end of log)", 1));
            }
            nic.Finish();
            h.Interfaces.Add(nic);
        }
        h.Interfaces.Sort(static (a, b) => StringComparer.Ordinal.Compare(a.Name, b.Name));
        if (whole)
        {
            h.Disruptions.Sort((a, b) => a.Start.CompareTo(b.Start));
        }
        else
        {
            // Chunks split the lines differently in each run (parallel readers, the store): signals of different causes
            // at the same start and end must still name their causes in one order.
            h.Disruptions.Sort(static (a, b) =>
            {
                int c = a.Start.CompareTo(b.Start);
                c = c != 0 ? c : a.End.CompareTo(b.End);
                return c != 0 ? c : StringComparer.Ordinal.Compare(a.Cause, b.Cause);
            });
        }
        return h;
    }

    /// <summary>
    /// Replays <paramref name="rare"/>'s runs and link lines as one sequence in time order, sorting both in place (no
    /// copy: they can hold hundreds of thousands of entries), into a chunk: interfaces whose lead and end are left
    /// open for <see cref="Replay"/>, and the disruption signals compacted.
    /// </summary>
    public static RareHistory Chunk(RareRuns rare, bool compact)
    {
        var h = new RareHistory();
        SortUnlessInOrder(rare.Runs, static (a, b) =>
        {
            int c = a.Start.CompareTo(b.Start);
            c = c != 0 ? c : a.Position.SourceId.CompareTo(b.Position.SourceId);
            return c != 0 ? c : a.Position.Offset.CompareTo(b.Position.Offset);
        });
        SortUnlessInOrder(rare.Links, static (a, b) => LinkLine.Compare(a, b));
        var runs = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rare.Runs);
        var links = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rare.Links);
        var nicLink = MessageFamilies.For(EventKind.NicLink);
        int r = 0, l = 0, nextCompact = h._compactEvery = Math.Clamp(rare.Limit / 4, 64, CompactEvery);
        if (compact)
        {
            h.Disruptions.Capacity = nextCompact + 8; // a replayed entry adds a signal or two before the next check
        }
        while (r < runs.Length || l < links.Length)
        {
            if (l < links.Length && (r == runs.Length || Before(links[l], runs[r])))
            {
                ref readonly var line = ref links[l++];
                h.RunLast = line.Start;
                h.RunCount = 1;
                nicLink?.Replay(h, line.Event(rare.Devices[line.Device]), line.Start);
                if (compact && h.Disruptions.Count >= nextCompact)
                {
                    nextCompact = h.CompactAgain();
                }
                continue;
            }
            ref readonly var run = ref runs[r++];
            h.RunLast = run.Last;
            h.RunCount = run.Count;
            MessageFamilies.For(run.Kind)?.Replay(h, run.First, run.Start);
            if (compact && h.Disruptions.Count >= nextCompact)
            {
                nextCompact = h.CompactAgain();
            }
        }
        if (compact)
        {
            h.Compact();
            foreach (var nic in h._interfaces.Values)
            {
                nic.TrimFlaps(InterfaceStats.FlapsListed);
            }
        }
        return h;
    }

    // A reader's entries of one log come in time order (a run is added at its first line): one pass that finds them
    // sorted saves a sort of tens of thousands of entries at every fold. The order is total (time, source, offset:
    // no two lines share one), so what is skipped could not have moved anything.
    private static void SortUnlessInOrder<T>(List<T> entries, Comparison<T> order)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(entries);
        for (int i = 1; i < span.Length; i++)
        {
            if (order(span[i - 1], span[i]) > 0)
            {
                entries.Sort(order);
                return;
            }
        }
    }

    /// <summary>Compacts and says at what count to do it again (twice what is left, if distinct windows are many).</summary>
    private int CompactAgain()
    {
        Compact();
        return Math.Max(_compactEvery, 2 * Disruptions.Count);
    }

    /// <summary>
    /// Shrinks the signals to what their merge needs: a cause's signals that <see cref="DisruptionTimeline.Merge"/>
    /// would chain anyway become its first signal and one window from the second's start to their last end, holding the
    /// rest's count. The merge of those gives the same disruptions (same windows, signal counts, and causes in the same
    /// order, since each cause still first appears with its first signal) from two entries instead of thousands.
    /// </summary>
    private void Compact()
    {
        // In place: a chunk holds up to the limit's worth of signals, and a sorted copy of them raised the memory peak.
        var signals = Disruptions;
        signals.RemoveAll(static s => s.Start == default);
        SortByCause(signals);
        int kept = 0, i = 0;
        while (i < signals.Count)
        {
            var head = signals[i];
            var end = head.End;
            var second = i + 1 < signals.Count ? signals[i + 1].Start : default;
            int j = i + 1;
            long rest = 0;
            while (j < signals.Count && signals[j].Cause == head.Cause && signals[j].Start - end <= DisruptionTimeline.MergeGap)
            {
                end = signals[j].End > end ? signals[j].End : end;
                rest += signals[j].Signals;
                j++;
            }
            // Never past what is still to be read: a group of one keeps one entry, a larger group two.
            signals[kept++] = head;
            if (j > i + 1)
            {
                signals[kept++] = (second, end, head.Cause, rest);
            }
            i = j;
        }
        signals.RemoveRange(kept, signals.Count - kept);
    }

    /// <summary>
    /// Sorts the signals by cause, then start, then end. A chunk has a handful of causes (an interface's flaps, a
    /// kind's runs) and the replay adds each cause's signals in time order, so they are put together cause by cause in
    /// the order they are (a counting pass, through a pooled buffer) and only a cause's signals found out of order are
    /// sorted: a sort of every signal by its cause's text was most of a fold. Many causes take the plain sort.
    /// Signals equal in all three keys may come out in another order than a sort would put them; compaction adds
    /// their counts into the same window either way.
    /// </summary>
    private static void SortByCause(List<(DateTime Start, DateTime End, string Cause, long Signals)> signals)
    {
        const int FewCauses = 16;
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(signals);
        Span<int> counts = stackalloc int[FewCauses];
        var causes = new List<string>(FewCauses);
        foreach (ref readonly var signal in span)
        {
            int c = CauseIndex(causes, signal.Cause);
            if (c < 0)
            {
                if (causes.Count == FewCauses)
                {
                    signals.Sort(static (a, b) =>
                    {
                        int c = string.CompareOrdinal(a.Cause, b.Cause);
                        return c != 0 ? c : ByTime(a, b);
                    });
                    return;
                }
                c = causes.Count;
                causes.Add(signal.Cause);
                counts[c] = 0;
            }
            counts[c]++;
        }
        // Where each cause's signals start, causes in ordinal order.
        Span<int> rank = stackalloc int[causes.Count];
        for (int c = 0; c < causes.Count; c++)
        {
            rank[c] = c;
        }
        rank.Sort((a, b) => string.CompareOrdinal(causes[a], causes[b]));
        Span<int> at = stackalloc int[causes.Count];
        Span<(int Start, int Length)> groups = stackalloc (int, int)[causes.Count];
        int next = 0;
        foreach (int c in rank)
        {
            at[c] = next;
            groups[c] = (next, counts[c]);
            next += counts[c];
        }
        var buffer = System.Buffers.ArrayPool<(DateTime, DateTime, string, long)>.Shared.Rent(span.Length);
        foreach (ref readonly var signal in span)
        {
            buffer[at[CauseIndex(causes, signal.Cause)]++] = signal;
        }
        buffer.AsSpan(0, span.Length).CopyTo(span);
        System.Buffers.ArrayPool<(DateTime, DateTime, string, long)>.Shared.Return(buffer, clearArray: true);
        foreach (var (start, length) in groups)
        {
            var group = span.Slice(start, length);
            for (int i = 1; i < group.Length; i++)
            {
                if (ByTime(group[i - 1], group[i]) > 0)
                {
                    group.Sort(ByTime);
                    break;
                }
            }
        }
    }

    private static int ByTime((DateTime Start, DateTime End, string Cause, long Signals) a, (DateTime Start, DateTime End, string Cause, long Signals) b)
    {
        int c = a.Start.CompareTo(b.Start);
        return c != 0 ? c : a.End.CompareTo(b.End);
    }

    // Causes are few and mostly the same string instances (an interface's cause is made once): by reference first.
    private static int CauseIndex(List<string> causes, string cause)
    {
        for (int i = 0; i < causes.Count; i++)
        {
            if (ReferenceEquals(causes[i], cause))
            {
                return i;
            }
        }
        for (int i = 0; i < causes.Count; i++)
        {
            if (string.Equals(causes[i], cause, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>True when the link line comes before the run in the replay's order (time, source, offset).</summary>
    private static bool Before(in LinkLine line, in RareRun run)
    {
        int c = line.Start.CompareTo(run.Start);
        c = c != 0 ? c : line.SourceId.CompareTo(run.Position.SourceId);
        return (c != 0 ? c : line.Offset.CompareTo(run.Position.Offset)) < 0;
    }

    /// <summary>
    /// A signal that the log itself shows service was disrupted: open from its line (to the last of its run) for <paramref name="hold"/>
    /// (<see cref="DisruptionTimeline"/> says why it opens at the line); ignored when the event had no clock.
    /// </summary>
    public void AddDisruption(DateTime time, TimeSpan hold, string cause)
    {
        if (time != default)
        {
            Disruptions.Add((time, (RunLast > time ? RunLast : time) + hold, cause, RunCount));
        }
    }

    /// <summary>The history of the event's interface (or of its driver when the line names no interface).</summary>
    public InterfaceStats Interface(in NetEvent ev)
    {
        // A reader's device strings are interned and a host has a handful of NICs whose lines interleave: the devices
        // seen first are compared by reference, without hashing a name for every line.
        for (int i = 0; i < _firstDevices.Count; i++)
        {
            var (name, driver, known) = _firstDevices[i];
            if (ReferenceEquals(ev.Interface, name) && ReferenceEquals(ev.Driver, driver))
            {
                return known;
            }
        }
        var nic = InterfaceOf(ev);
        if (_firstDevices.Count < FirstDevices)
        {
            _firstDevices.Add((ev.Interface, ev.Driver, nic));
        }
        return nic;
    }

    private const int FirstDevices = 8;

    private readonly List<(string? Interface, string? Driver, InterfaceStats Stats)> _firstDevices = [];

    private InterfaceStats InterfaceOf(in NetEvent ev)
    {
        string name = ev.Interface ?? (ev.Driver is null ? "?" : ev.Driver + " (no interface named)");
        if (!_interfaces.TryGetValue(name, out var nic))
        {
            nic = new InterfaceStats(name) { FirstLine = (RareRun.TimeOf(ev), ev.Position.SourceId, ev.Position.Offset) };
            _interfaces[name] = nic;
        }
        nic.Driver ??= ev.Driver;
        return nic;
    }
}
